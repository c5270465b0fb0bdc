/** Records for the Word and Excel add-in's tests: Accounts and Contacts owned by ann, made through the admin's REST API. */
import { AxiosInstance } from 'axios';
import { ServiceWorld } from './service';
import { userId } from './org';

/** The org's data requests by kind (`PATCH composite/sobjects`) since the last call of the returned function. */
export function requestCounter(w: { org: ServiceWorld['org'] }): () => Record<string, number> {
  let seen = new Map(w.org.ctx.stats.byKind);
  return () => {
    const now = new Map(w.org.ctx.stats.byKind);
    const out: Record<string, number> = {};
    for (const [kind, n] of now) if (n - (seen.get(kind) ?? 0) > 0) out[kind] = n - (seen.get(kind) ?? 0);
    seen = now;
    return out;
  };
}

/**
 * `count` Contacts owned by ann (`Sheet 0001`... in Department `dept`), the first `withAccount` of them at an
 * Account of their own; answers their ids in name order.
 */
export async function seedContacts(
  w: ServiceWorld,
  sf: AxiosInstance,
  o: { count: number; dept: string; withAccount?: number },
): Promise<string[]> {
  const owner = userId(w.org, 'ann@test.example');
  const accounts: string[] = [];
  const withAccount = o.withAccount ?? 0;
  for (let i = 0; i < withAccount; i += 200) {
    const chunk = Array.from({ length: Math.min(200, withAccount - i) }, (_, k) => ({
      attributes: { type: 'Account' },
      Name: `${o.dept} Account ${String(i + k + 1).padStart(4, '0')}`,
      Phone: `+1 555 01${String(i + k).padStart(2, '0')}`,
      OwnerId: owner,
    }));
    const res = await sf.post('/composite/sobjects', { allOrNone: true, records: chunk });
    if (res.status !== 200) throw new Error(`seeding accounts: ${res.status} ${JSON.stringify(res.data)}`);
    accounts.push(...(res.data as Array<{ id: string }>).map((r) => r.id));
  }
  const ids: string[] = [];
  for (let i = 0; i < o.count; i += 200) {
    const chunk = Array.from({ length: Math.min(200, o.count - i) }, (_, k) => {
      const n = i + k + 1;
      return {
        attributes: { type: 'Contact' },
        FirstName: `Row${n}`,
        LastName: `Sheet ${String(n).padStart(4, '0')}`,
        Email: `row${n}@sheet.example`,
        Department: o.dept,
        Title: n % 2 === 0 ? 'Engineer' : 'Manager',
        OwnerId: owner,
        ...(n <= withAccount ? { AccountId: accounts[n - 1] } : {}),
      };
    });
    const res = await sf.post('/composite/sobjects', { allOrNone: true, records: chunk });
    if (res.status !== 200) throw new Error(`seeding contacts: ${res.status} ${JSON.stringify(res.data)}`);
    ids.push(...(res.data as Array<{ id: string }>).map((r) => r.id));
  }
  return ids;
}
