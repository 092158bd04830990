// jsonArrayElementLines names the line of each element of a JSON array, so that an import error
// about element 1,234 can say "file.json:5678". Strings, nesting and every kind of whitespace must not
// move an element's line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonArrayElementLines } from '../../../src/core/problems/json-lines';

describe('jsonArrayElementLines', () => {
  it('gives each element its line, on one line or pretty-printed; an empty array has none', () => {
    assert.deepEqual(jsonArrayElementLines('[{"a":1},{"a":2}]'), [1, 1]);
    assert.deepEqual(jsonArrayElementLines('[\n  {"a": 1},\n  {"a": 2}\n]'), [2, 3]);
    assert.deepEqual(jsonArrayElementLines('[12, 345,\n-6]'), [1, 1, 2]);
    assert.deepEqual(jsonArrayElementLines('[]'), []);
    assert.deepEqual(jsonArrayElementLines('[\n]'), []);
  });

  it('brackets, braces, commas and escaped quotes inside strings are text', () => {
    const text = '[\n {"q": "a [b], {c}, \\"d,\\" e ]"},\n {"q": "x\\\\"},\n {"q": "y"}\n]';
    assert.deepEqual(JSON.parse(text).length, 3);
    assert.deepEqual(jsonArrayElementLines(text), [2, 3, 4]);
  });

  it('a nested array or object is one element', () => {
    const text = '[\n {"choices": [1, 2, [3]], "o": {"k": [4, {"z": 5}]}},\n [5, 6],\n 7\n]';
    assert.deepEqual(JSON.parse(text).length, 3);
    assert.deepEqual(jsonArrayElementLines(text), [2, 3, 4]);
  });

  it('spaces, tabs, blank lines and CRLF line ends before an element are skipped', () => {
    assert.deepEqual(jsonArrayElementLines('[ \n{"a":1}, \t\n\t{"a":2}]'), [2, 3]);
    assert.deepEqual(jsonArrayElementLines('[\r\n\r\n  {"a":1},\r\n  {"a":2}\r\n]'), [3, 4]);
    assert.deepEqual(jsonArrayElementLines('[\n\n\n{"a":1}\n]'), [4]);
  });
});
