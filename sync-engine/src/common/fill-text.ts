/** The one `{placeholder}` filler of every text catalog (messages.json, notices.json, the service's texts). */

/** `text` with each `{name}` replaced by `values[name]`; a name without a value stays as written. */
export function fillText(text: string, values: Record<string, string> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole));
}
