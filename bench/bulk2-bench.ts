/**
 * Bulk API 2.0 query of 50,000 contacts on the local org (issue 15), the org in its own process
 * (bulk2-org-process.ts): time from job creation to JobComplete and to the last results page over raw HTTP, the
 * org's longest event-loop pause meanwhile, and jsforce's `conn.bulk2.query` over the same rows end to end.
 * Run: `npx tsc -p tsconfig.json && node build/bench/bulk2-bench.js`.
 */
import { fork, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import jsforce from 'jsforce';

const ROWS = 50_000;

function next<T>(child: ChildProcess, key: string): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        child.off('message', on);
        resolve(m as T);
      }
    };
    child.on('message', on);
  });
}

async function main(): Promise<void> {
  const seed = fs.readFileSync(path.join(__dirname, '..', '..', 'test', 'fixtures', 'org-seed.json'), 'utf8');
  const child = fork(path.join(__dirname, 'bulk2-org-process.js'), [seed, String(ROWS)]);
  try {
    const { url } = await next<{ url: string }>(child, 'url');
    const conn = new jsforce.Connection({ loginUrl: url, version: '60.0' });
    await conn.login('ann@test.example', 'Ann-pass-1');
    const V = `${url}/services/data/v60.0`;
    const headers = { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' };
    const query = "SELECT Id, FirstName, LastName, Email, Owner.Name FROM Contact WHERE Email LIKE '%@bench.example'";

    child.send({ start: true });
    await next(child, 'started');
    const t0 = performance.now();
    const job = (await (
      await fetch(`${V}/jobs/query`, { method: 'POST', headers, body: JSON.stringify({ query }) })
    ).json()) as { id: string };
    for (;;) {
      const info = (await (await fetch(`${V}/jobs/query/${job.id}`, { headers })).json()) as { state: string };
      if (info.state === 'JobComplete') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const tDone = performance.now();
    let locator: string | null = null;
    let rows = 0;
    let pages = 0;
    do {
      const page = `${V}/jobs/query/${job.id}/results?maxRecords=10000${locator ? `&locator=${locator}` : ''}`;
      const res: Response = await fetch(page, { headers });
      rows += (await res.text()).split('\n').length - 2;
      pages += 1;
      locator = res.headers.get('sforce-locator');
    } while (locator && locator !== 'null');
    const t1 = performance.now();
    child.send({ stop: true });
    const pause = await next<{ maxMs: number; p99Ms: number }>(child, 'maxMs');
    process.stdout.write(
      `raw HTTP: ${rows} rows in ${pages} pages of 10,000; JobComplete after ${(tDone - t0).toFixed(0)} ms, ` +
        `last page after ${(t1 - t0).toFixed(0)} ms; org's longest event-loop pause ${pause.maxMs.toFixed(1)} ms\n`,
    );

    // Ingest: 50,000 new contacts in one CSV upload.
    let csv = 'FirstName,LastName,Email\n';
    for (let i = 0; i < ROWS; i++) csv += `I${i},"Ingest ${i}",i${i}@ingest.example\n`;
    child.send({ start: true });
    await next(child, 'started');
    const t3 = performance.now();
    const ingest = (await (
      await fetch(`${V}/jobs/ingest`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ object: 'Contact', operation: 'insert' }),
      })
    ).json()) as { id: string };
    await fetch(`${V}/jobs/ingest/${ingest.id}/batches`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: csv,
    });
    await fetch(`${V}/jobs/ingest/${ingest.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ state: 'UploadComplete' }),
    });
    let done: { state: string; numberRecordsProcessed: number; numberRecordsFailed: number };
    for (;;) {
      done = (await (await fetch(`${V}/jobs/ingest/${ingest.id}`, { headers })).json()) as typeof done;
      if (done.state === 'JobComplete' || done.state === 'Failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const t4 = performance.now();
    child.send({ stop: true });
    const ingestPause = await next<{ maxMs: number }>(child, 'maxMs');
    process.stdout.write(
      `ingest: ${done.numberRecordsProcessed} records (${done.numberRecordsFailed} failed, ${(csv.length / 1e6).toFixed(1)} MB CSV) ${done.state} after ${(t4 - t3).toFixed(0)} ms; org's longest event-loop pause ${ingestPause.maxMs.toFixed(1)} ms\n`,
    );

    conn.bulk2.pollInterval = 50;
    const t2 = performance.now();
    const records = (await (await conn.bulk2.query(query)).toArray()) as unknown[];
    process.stdout.write(
      `jsforce conn.bulk2.query: ${records.length} records in ${(performance.now() - t2).toFixed(0)} ms\n`,
    );
  } finally {
    child.send({ exit: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
