/** Texts of ours that messages.json does not hold (see notices.json): notices beside a product's answer. */
import { fillText } from '../common/fill-text';
import catalog from './notices.json';

export type NoticeKey = keyof typeof catalog.notices;

/** The text of a notice, with `{placeholders}` filled in. */
export function notice(key: NoticeKey, values: Record<string, string> = {}): string {
  const entry = catalog.notices[key];
  if (!entry) throw new Error(`no notice "${key}" in notices.json`);
  return fillText(entry.text, values);
}
