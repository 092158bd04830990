import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLineSplitter } from '../../../src/core/jobs/log-lines';
import { parseRecord } from '../../../src/core/jobs/records';

describe('log lines and runner records', () => {
  it('frames cut anywhere give back the lines, the unfinished end kept for later', () => {
    const log = 'first line\n@@w2s {"type":"metrics","step":1,"train_loss":2.5}\r\n\nlast without newline';
    for (let seed = 1; seed < 40; seed++) {
      const s = createLineSplitter();
      const out: string[] = [];
      let i = 0;
      let n = seed;
      while (i < log.length) {
        n = (n * 1103515245 + 12345) % 2 ** 31;
        const len = 1 + (n % 9);
        out.push(...s.push(log.slice(i, i + len)));
        i += len;
      }
      assert.deepEqual(out, ['first line', '@@w2s {"type":"metrics","step":1,"train_loss":2.5}', '']);
      assert.equal(s.rest(), 'last without newline');
    }
  });

  it('a record is found anywhere in a line, Ray worker prefix included; anything else is not a record', () => {
    assert.deepEqual(parseRecord('(RayTrainWorker pid=123, ip=10.0.0.2) @@w2s {"type":"status","phase":"training"}'), {
      type: 'status',
      phase: 'training',
    });
    assert.equal(parseRecord('{"type":"metrics"}'), undefined);
    assert.equal(parseRecord('@@w2s {"type":"metrics"'), undefined);
    assert.equal(parseRecord('@@w2s {"type":"gossip"}'), undefined);
    assert.equal(parseRecord('@@w2s [1,2]'), undefined);
  });
});
