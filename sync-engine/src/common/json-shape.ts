/**
 * How much structure a JSON text holds, counted before JSON.parse runs. Parsing time grows with the number of
 * values far more than with the length of strings: 20 MB of `{},{},...` takes seconds to parse, 20 MB of long
 * strings tens of milliseconds. So a body whose objects, arrays or values pass a limit is refused unparsed.
 */

export interface JsonShapeLimits {
  /** Objects and arrays together. */
  containers: number;
  /** Values in all arrays and objects (counted by their separating commas). */
  values: number;
}

export type JsonShapeExcess = { exceeds: 'containers' | 'values'; limit: number } | null;

const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const COMMA = 0x2c;

/**
 * Which limit `text` exceeds, or null. Strings are skipped with indexOf (native, fast), so the JavaScript loop
 * only walks what lies between strings: little in real bodies, and it stops at the first limit passed.
 */
export function jsonShapeExcess(text: string, limits: JsonShapeLimits): JsonShapeExcess {
  let containers = 0;
  let values = 0;
  let at = 0;
  while (at < text.length) {
    const quote = text.indexOf('"', at);
    const end = quote === -1 ? text.length : quote;
    for (let i = at; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++containers > limits.containers) return { exceeds: 'containers', limit: limits.containers };
      } else if (c === COMMA) {
        if (++values > limits.values) return { exceeds: 'values', limit: limits.values };
      }
    }
    if (quote === -1) break;
    const close = closingQuote(text, quote);
    if (close === -1) break; // an unterminated string: JSON.parse says so
    at = close + 1;
  }
  return null;
}

/** The quote closing the string that opens at `open`: the next one not escaped by an odd run of backslashes. */
function closingQuote(text: string, open: number): number {
  let at = open + 1;
  for (;;) {
    const q = text.indexOf('"', at);
    if (q === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q;
    at = q + 1;
  }
}
