/**
 * What "Create contact" and "Create lead" are prefilled with for an address nobody in Salesforce has: first and last
 * name from the display name, and the company from the address's domain (none for a webmail domain).
 */
import { PersonSuggestion } from '../contract';

/** Domains of mailboxes anyone can have: they name no company. */
const WEBMAIL = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'icloud.com',
  'me.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.de',
  'web.de',
  'mail.com',
]);
/** Second-level labels under which the company's name is the label before (acme.co.uk). */
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu']);

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The company a domain names: `mail.acme-tools.co.uk` -> "Acme Tools"; null for webmail. */
export function companyOfDomain(domain: string): string | null {
  const d = domain.toLowerCase();
  if (WEBMAIL.has(d)) return null;
  const labels = d.split('.').filter(Boolean);
  if (labels.length < 2) return null;
  let i = labels.length - 2;
  if (i > 0 && SECOND_LEVEL.has(labels[i]) && labels[labels.length - 1].length === 2) i -= 1;
  const words = labels[i].split(/[-_]+/).filter(Boolean);
  return words.length ? words.map(capital).join(' ') : null;
}

/** "Hopper, Grace" and "Grace Hopper" both give Grace / Hopper; no name gives the address's local part as last name. */
export function suggestPerson(address: string, displayName: string | null): PersonSuggestion {
  const [local, domain = ''] = address.split('@');
  const company = companyOfDomain(domain);
  const name = (displayName ?? '').replace(/\s+/g, ' ').trim();
  if (name !== '' && name.toLowerCase() !== address.toLowerCase()) {
    const comma = /^([^,]+),\s*(.+)$/.exec(name);
    if (comma) return { firstName: comma[2], lastName: comma[1], company };
    const parts = name.split(' ');
    if (parts.length === 1) return { firstName: null, lastName: parts[0], company };
    return { firstName: parts.slice(0, -1).join(' '), lastName: parts[parts.length - 1], company };
  }
  const words = local
    .split(/[._-]+/)
    .filter(Boolean)
    .map(capital);
  if (words.length > 1) return { firstName: words.slice(0, -1).join(' '), lastName: words[words.length - 1], company };
  return { firstName: null, lastName: words[0] ?? local, company };
}
