import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  capText,
  MAX_SERVER_TEXT,
  NO_KEY,
  redactSecrets,
  serverText,
  stripTerminalControls,
} from '../../../src/core/untrusted-text';
import { escapeMarkdown, md, noLinks } from '../../../src/extension/ui/markdown-text';

describe('untrusted text', () => {
  it('redacts the configured key wherever it appears, and key-shaped text of the hosted APIs', () => {
    const key = 'my-own-server-key-0042';
    const text =
      `auth ${key} failed; Authorization: Bearer abc.def-ghi; api_key=zz9zz9zz9; {"x-api-key": "q1q1q1q1"} ` +
      'keys sk-proj-AAAAAAAAAAAA tgp_v1_BBBBBBBBBBBB gsk_CCCCCCCCCCCC hf_DDDDDDDDDDDD xai-EEEEEEEEEEEE';
    const out = redactSecrets(text, key);
    for (const secret of [
      key,
      'abc.def-ghi',
      'zz9zz9zz9',
      'q1q1q1q1',
      'AAAAAAAAAAAA',
      'BBBBBBBBBBBB',
      'CCCCCCCCCCCC',
      'DDDDDDDDDDDD',
      'EEEEEEEEEEEE',
    ]) {
      assert.ok(!out.includes(secret), `${secret} left in: ${out}`);
    }
    // what is not a key stays readable
    assert.match(out, /^auth \*\*\* failed; Authorization: Bearer \*\*\*; api_key=\*\*\*;/);
    assert.equal(
      redactSecrets('a task-scheduler-0001 and a risk_assessment_report'),
      'a task-scheduler-0001 and a risk_assessment_report',
    );
    assert.equal(
      redactSecrets(`sent ${NO_KEY}`, NO_KEY),
      'sent sk-***',
      'the no-key placeholder is not a secret, but looks like one',
    );
  });

  it('strips terminal escapes and control characters, keeping tabs and newlines', () => {
    const hostile =
      'a\u001b[2Jb\u001b]0;pwned\u0007c\u001b[31;1md\re\tf\n\u009b2Jg\u202eh\u0000i\u001bPq#0;2;0;0;0\u001b\\j';
    assert.equal(stripTerminalControls(hostile), 'abcde\tf\ngh' + 'ij');
    assert.doesNotMatch(stripTerminalControls(hostile), /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it("keeps a server's error to a few KB: an HTML page becomes its text, and a huge body costs no more than a small one", () => {
    const page = `<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>p{}</style></head><body><h1>502 Bad Gateway</h1>\u001b[2J<p>a &amp; b</p>${'<p>lorem ipsum</p>'.repeat(20_000)}</body></html>`;
    const out = serverText(page);
    assert.ok(out.length <= MAX_SERVER_TEXT + 40, `${out.length}`);
    assert.match(out, /^502 Bad Gateway a & b lorem ipsum/);
    assert.doesNotMatch(out, /<p>|\u001b|p\{\}/);
    const huge = 'x'.repeat(50_000_000);
    const t0 = performance.now();
    assert.ok(serverText(huge).length <= MAX_SERVER_TEXT + 40);
    assert.ok(performance.now() - t0 < 1000, 'bounded work');
    assert.equal(capText('abcdef', 4), 'abcd… [2 more characters]');
    assert.equal(capText('ab😀', 3), 'ab… [2 more characters]', 'never half a surrogate pair');
  });

  it('escapes store text for markdown tooltips: every ASCII punctuation character escaped, no line breaks', () => {
    const hostile =
      '**bold** [x](command:workbench.action.reloadWindow) ![i](https://e.vil/a.png) <img src=x> `c` # h\n- list\n    code https://e.vil &amp; _e_ ~~s~~ | t |';
    const out = escapeMarkdown(hostile);
    assert.doesNotMatch(out, /\n/);
    // CommonMark: a backslash-escaped ASCII punctuation character is always literal text
    for (let i = 0; i < out.length; i++) {
      if (out[i] === '\\') {
        assert.match(out[i + 1] ?? '', /[!-/:-@[-`{-~]/, `a backslash escapes punctuation at ${i}: ${out}`);
        i++;
      } else assert.doesNotMatch(out[i]!, /[!-/:-@[-`{-~]/, `unescaped ${out[i]} at ${i}: ${out}`);
    }
    assert.equal(out.replace(/\\(.)/g, '$1'), hostile.replace(/\s+/g, ' '), 'the text reads the same');
    assert.equal(md`**${'a*b'}** — ${'[x](y)'}`, '**a\\*b** — \\[x\\]\\(y\\)');
    assert.equal(noLinks('see [here](command:x.y) or [a] (b)'), 'see [here] (command:x.y) or [a] (b)');
  });
});
