import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exactAsDouble, parseJsonLossless } from '../../../src/core/problems/lossless-json';
import { readRecords } from '../../../src/core/problems/records';

describe('lossless JSON numbers', () => {
  it('keeps the literals a double cannot hold as written, and every other number as a number', () => {
    const v = parseJsonLossless(
      '{"a": 9007199254740993, "b": -123456789012345678901234567890, "c": 1.0, "d": 0.1, "e": 1e3, "f": [1e400, 1e-400, 12345678901234567.5, 3, -0],' +
        ' "g": "9007199254740993 in a string", "h": 9007199254740992, "i": 0.30000000000000004, "j": 0.12345678901234567890}',
    );
    assert.deepEqual(v, {
      a: '9007199254740993',
      b: '-123456789012345678901234567890',
      c: 1,
      d: 0.1,
      e: 1000,
      f: ['1e400', '1e-400', '12345678901234567.5', 3, -0],
      g: '9007199254740993 in a string',
      h: 9007199254740992,
      i: 0.30000000000000004,
      j: '0.12345678901234567890',
    });
  });

  it('tells exact literals from lossy ones', () => {
    for (const lit of [
      '0',
      '-0',
      '1',
      '1.0',
      '1.50',
      '1e3',
      '1E+3',
      '100e-2',
      '9007199254740992',
      '0.1',
      '5e-324',
      '1.7976931348623157e308',
      '0.30000000000000004',
    ]) {
      assert.equal(exactAsDouble(lit), true, lit);
    }
    for (const lit of [
      '9007199254740993',
      '18446744073709551615',
      '0.12345678901234567890',
      '1e400',
      '-1e400',
      '1e-400',
      '3.14159265358979323846',
    ]) {
      assert.equal(exactAsDouble(lit), false, lit);
    }
  });

  it('a string that holds the marker character, or quotes and escapes around numbers, is read as written', () => {
    const text =
      '[{"q": "\\u0001 and \\"9007199254740993\\" \\\\", "n": 9007199254740993}, {"q": "\\u0002x", "n": 18446744073709551616}]';
    assert.deepEqual(parseJsonLossless(text), [
      { q: '\u0001 and "9007199254740993" \\', n: '9007199254740993' },
      { q: '\u0002x', n: '18446744073709551616' },
    ]);
  });

  it('a syntax error is reported as JSON.parse reports it on the text as written', () => {
    const text = '{"a": 90071992547409931,}';
    let expected = '';
    try {
      JSON.parse(text);
    } catch (e) {
      expected = (e as Error).message;
    }
    assert.throws(
      () => parseJsonLossless(text),
      (e: unknown) => (e as Error).message === expected,
    );
  });

  it('problem files: golds and ids beyond 2^53 as written, a JSON array ids by element index', () => {
    const jsonl = readRecords(
      'p.jsonl',
      '{"id": 9007199254740993, "answer": 9007199254740993}\n{"id": 2, "answer": 0.5}\n',
    );
    assert.deepEqual(
      [...jsonl.records].map((r) => [r.line, r.index, r.value]),
      [
        [1, undefined, { id: '9007199254740993', answer: '9007199254740993' }],
        [2, undefined, { id: 2, answer: 0.5 }],
      ],
    );
    const arr = readRecords('p.json', '[{"q": "a"}, {"q": "b"},\n{"q": "c"}]');
    assert.deepEqual(
      [...arr.records].map((r) => [r.line, r.index]),
      [
        [1, 0],
        [1, 1],
        [2, 2],
      ],
    );
  });
});
