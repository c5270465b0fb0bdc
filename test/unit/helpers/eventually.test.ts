/** The tests' one way to wait for what happens by itself (issue 12, finding 7): `eventually()`. */
import assert from 'node:assert/strict';
import { eventually } from '../../helpers/eventually';

describe('eventually()', () => {
  it('answers the value once the probe has one, asking again meanwhile', async () => {
    let asks = 0;
    const value = await eventually(() => (++asks === 3 ? 'ready' : undefined), 'the third ask', { intervalMs: 1 });
    assert.equal(value, 'ready');
    assert.equal(asks, 3);
  });

  it('retries a probe that throws, and past the deadline throws its last failure, naming what was awaited', async () => {
    let n = 0;
    await assert.rejects(
      eventually(
        () => {
          n += 1;
          assert.equal(n, -1, `ask ${n}`);
          return true;
        },
        'the impossible',
        { timeoutMs: 30, intervalMs: 5 },
      ),
      (err: Error) => {
        assert.ok(n > 1, 'asked more than once');
        assert.match(err.message, /^the impossible: not within 30 ms: ask \d+/);
        return true;
      },
    );
  });

  it('a probe that never answers times out saying what it waited for', async () => {
    await assert.rejects(
      eventually(async () => undefined, 'a value', { timeoutMs: 20, intervalMs: 5 }),
      {
        message: 'a value: not within 20 ms',
      },
    );
  });
});
