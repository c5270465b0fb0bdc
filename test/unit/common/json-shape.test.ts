/** Counting a JSON text's structure before parsing it (issue 10, finding 3). */
import assert from 'node:assert/strict';
import { jsonShapeExcess } from '../../../sync-engine/src/common/json-shape';

const LIMITS = { containers: 3, values: 4 };

describe('common/json-shape', () => {
  it('counts objects, arrays and values between strings', () => {
    assert.equal(jsonShapeExcess('{"a":[1,2],"b":{}}', LIMITS), null);
    assert.deepEqual(jsonShapeExcess('[{},{},{}]', LIMITS), { exceeds: 'containers', limit: 3 });
    assert.deepEqual(jsonShapeExcess('[1,2,3,4,5,6]', LIMITS), { exceeds: 'values', limit: 4 });
  });

  it('ignores what strings hold, escaped quotes and backslashes included', () => {
    assert.equal(
      jsonShapeExcess(JSON.stringify({ a: '{[{[,,,,,,]}]}', b: 'say \\"{[,,,,]}\\" \\\\', c: '\\' }), LIMITS),
      null,
    );
    assert.equal(jsonShapeExcess(JSON.stringify(['"{{{{', ',,,,,"']), LIMITS), null);
    assert.deepEqual(jsonShapeExcess(`${JSON.stringify(['x\\'])},{},{},{}`, LIMITS), {
      exceeds: 'containers',
      limit: 3,
    });
  });

  it('leaves an unterminated string to JSON.parse', () => {
    assert.equal(jsonShapeExcess('{"a":"never closed {{{{{{', LIMITS), null);
  });

  it('judges 20 MB of {} by its first thousand objects, and 20 MB of long strings as within limits', () => {
    assert.deepEqual(
      jsonShapeExcess(`{"records":[${'{},'.repeat(6_600_000)}{}]}`, { containers: 1000, values: 20_000 }),
      { exceeds: 'containers', limit: 1000 },
    );
    const text = JSON.stringify({
      records: Array.from({ length: 200 }, (_, i) => ({
        attributes: { type: 'Contact' },
        LastName: `L${i}`,
        Description: 'd,{['.repeat(25_000),
      })),
    });
    assert.equal(jsonShapeExcess(text, { containers: 1000, values: 20_000 }), null);
  });
});
