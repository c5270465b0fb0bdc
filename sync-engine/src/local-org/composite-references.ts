/**
 * References between composite subrequests (REST API Developer Guide, "Composite", "Using the output of one
 * subrequest as the input to another"): `@{refId.field}` in a later subrequest's url or body stands for a value
 * of an earlier subrequest's response body: `@{NewAccount.id}`, `@{Contacts.records[0].Id}`,
 * `@{Acct.Owner.Name}`, and into an array answer (sObject Collections) `@{NewContacts[0].id}`. In a body, a string that is exactly one reference takes the value with its JSON type;
 * a reference inside a longer string is spliced in as text.
 */
const REFERENCE = /@\{([A-Za-z0-9_]+)([.[][^{}]*)\}/g;

/** A reference the earlier answers cannot fill: its subrequest failed, or the path names nothing. */
export class UnresolvedReference extends Error {
  constructor(
    readonly referenceId: string,
    readonly path: string,
  ) {
    super(`@{${referenceId}${path}}`);
  }
}

/** The referenceIds a url or body refers to. */
export function referencedIds(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') for (const m of v.matchAll(REFERENCE)) out.push(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

/** `records[0].Id` as steps: `records`, 0, `Id`. */
function steps(path: string): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  const parts = path.startsWith('.') ? path.slice(1).split('.') : path.split('.');
  for (const [i, part] of parts.entries()) {
    // Only the first step may be an index alone: `[0].id` of an array answer.
    const m = (i === 0 ? /^([A-Za-z0-9_]*)((?:\[\d+\])*)$/ : /^([A-Za-z0-9_]+)((?:\[\d+\])*)$/).exec(part);
    if (!m || (m[1] === '' && m[2] === '')) return undefined;
    if (m[1] !== '') out.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

function lookUp(answers: ReadonlyMap<string, unknown>, referenceId: string, path: string): unknown {
  if (!answers.has(referenceId)) throw new UnresolvedReference(referenceId, path);
  let value = answers.get(referenceId);
  for (const step of steps(path) ?? []) {
    if (typeof value !== 'object' || value === null) throw new UnresolvedReference(referenceId, path);
    value = (value as Record<string | number, unknown>)[step];
  }
  if (value === undefined || steps(path) === undefined || (typeof value === 'object' && value !== null))
    throw new UnresolvedReference(referenceId, path);
  return value;
}

/**
 * A url or body with its references filled from `answers` (the bodies of the earlier, successful subrequests,
 * by referenceId). Throws UnresolvedReference.
 */
export function fillReferences<T>(value: T, answers: ReadonlyMap<string, unknown>): T {
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = /^@\{([A-Za-z0-9_]+)([.[][^{}]*)\}$/.exec(v);
      if (whole) return lookUp(answers, whole[1], whole[2]);
      return v.replace(REFERENCE, (_m, id: string, path: string) => String(lookUp(answers, id, path)));
    }
    if (Array.isArray(v)) return v.map(fill);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(value) as T;
}
