/** The project's own message catalog (a copy of spec/messages.json, checked equal by a test). */
import { fillText } from '../common/fill-text';
import catalog from './messages.json';
import { MessageKey } from './catalog';

const messages = catalog.messages as Record<MessageKey, { source: 'seed' | 'ours'; text: string }>;

/** The exact text of a message, with `{placeholders}` filled in. */
export function message(key: MessageKey, values: Record<string, string> = {}): string {
  const entry = messages[key];
  if (!entry) throw new Error(`no message "${key}" in the catalog`);
  return fillText(entry.text, values);
}

export function allMessageKeys(): MessageKey[] {
  return Object.keys(messages) as MessageKey[];
}
