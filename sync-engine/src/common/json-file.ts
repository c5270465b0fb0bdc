/** Read a JSON file for validation: every failure becomes one problem line ("cannot read…", "not valid JSON…"). */
import fs from 'node:fs';

export type JsonRead = { ok: true; data: unknown } | { ok: false; problem: string };

export function readJsonFile(file: string): JsonRead {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      problem: `cannot read the file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    };
  }
  try {
    return { ok: true, data: JSON.parse(text) };
  } catch (err) {
    return { ok: false, problem: `not valid JSON: ${(err as Error).message}` };
  }
}
