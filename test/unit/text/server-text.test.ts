// The rest of untrusted-text.ts, rule by rule: which escapes and controls a terminal would act on are
// removed (each kind, and the edges of each character range), how a page becomes its text, and where
// a long text is cut. Each case is the exact string that must come out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capText, MAX_SERVER_TEXT, serverText, stripTerminalControls } from '../../../src/core/untrusted-text';

const ESC = '\u001b';

describe('stripTerminalControls, escape by escape', () => {
  it('CSI sequences, 7-bit and C1, with parameters and intermediates', () => {
    assert.equal(stripTerminalControls(`a${ESC}[31;1mb${ESC}[0mc`), 'abc');
    assert.equal(stripTerminalControls(`a${ESC}[2Jb`), 'ab');
    assert.equal(stripTerminalControls(`a${ESC}[?25lb`), 'ab', 'private parameter');
    assert.equal(stripTerminalControls(`a${ESC}[1 qb`), 'ab', 'an intermediate byte');
    assert.equal(stripTerminalControls('a\u009b2Jb'), 'ab', 'C1 CSI');
    assert.equal(stripTerminalControls('a\u009b?1049hb'), 'ab');
  });

  it('string sequences (OSC, DCS, SOS, PM, APC) up to BEL, ST or the end', () => {
    assert.equal(stripTerminalControls(`a${ESC}]0;title\u0007b`), 'ab', 'OSC ended by BEL');
    assert.equal(
      stripTerminalControls(`a${ESC}]8;;https://x.test${ESC}\\link${ESC}]8;;${ESC}\\b`),
      'alinkb',
      'OSC 8 hyperlink ended by ST',
    );
    assert.equal(stripTerminalControls(`a${ESC}Pq#0;2${ESC}\\b`), 'ab', 'DCS');
    assert.equal(stripTerminalControls(`a${ESC}Xsos${ESC}\\b`), 'ab', 'SOS');
    assert.equal(stripTerminalControls(`a${ESC}^pm${ESC}\\b`), 'ab', 'PM');
    assert.equal(stripTerminalControls(`a${ESC}_apc${ESC}\\b`), 'ab', 'APC');
    assert.equal(stripTerminalControls(`a${ESC}]0;never ended`), 'a', 'unterminated: to the end');
    assert.equal(stripTerminalControls('a\u009d0;t\u0007b'), 'ab', 'C1 OSC ended by BEL');
    assert.equal(stripTerminalControls('a\u009d0;t\u009cb'), 'ab', 'C1 OSC ended by C1 ST');
    assert.equal(stripTerminalControls('a\u0090q\u009cb'), 'ab', 'C1 DCS');
    assert.equal(stripTerminalControls('a\u009d0;two words\u0007b'), 'ab', 'a C1 string holding spaces');
    assert.equal(stripTerminalControls('a\u009d0;never ended'), 'a', 'an unterminated C1 string: to the end');
    assert.equal(
      stripTerminalControls(`a${ESC}]0;x\u0007b${ESC}]0;y\u0007c`),
      'abc',
      'each string ends at its own terminator',
    );
  });

  it('two-byte escapes and a lone ESC', () => {
    assert.equal(stripTerminalControls(`a${ESC}cb`), 'ab', 'RIS (reset)');
    assert.equal(stripTerminalControls(`a${ESC}7b${ESC}8c`), 'abc', 'save/restore cursor');
    assert.equal(stripTerminalControls(`ab${ESC}`), 'ab');
  });

  it('control characters: all C0 but tab and newline, DEL, C1, and the bidi overrides and isolates', () => {
    const removed = [
      '\u0000',
      '\u0007',
      '\u0008',
      '\u000b',
      '\u000c',
      '\r',
      '\u001f',
      '\u007f',
      '\u0085',
      '\u009f',
      '\u202a',
      '\u202e',
      '\u2066',
      '\u2069',
    ];
    for (const c of removed) assert.equal(stripTerminalControls(`a${c}b`), 'ab', `U+${c.charCodeAt(0).toString(16)}`);
    const kept = ['\t', '\n', ' ', '~', '\u00a0', '\u2029', '\u202f', '\u2065', '\u206a', 'é', '等'];
    for (const c of kept)
      assert.equal(stripTerminalControls(`a${c}b`), `a${c}b`, `U+${c.charCodeAt(0).toString(16)} is text`);
  });
});

describe('capText', () => {
  it('keeps a text of exactly max characters, cuts one longer and says how much', () => {
    assert.equal(capText('abcd', 4), 'abcd');
    assert.equal(capText('abcde', 4), 'abcd… [1 more characters]');
    assert.equal(capText('x'.repeat(MAX_SERVER_TEXT)), 'x'.repeat(MAX_SERVER_TEXT), 'the default is MAX_SERVER_TEXT');
    assert.equal(capText('x'.repeat(MAX_SERVER_TEXT + 3)), `${'x'.repeat(MAX_SERVER_TEXT)}… [3 more characters]`);
  });

  it('never ends on the first half of a surrogate pair', () => {
    assert.equal(capText('ab😀cd', 3), 'ab… [4 more characters]', 'the cut would fall inside 😀');
    assert.equal(capText('a😀bcd', 3), 'a😀… [3 more characters]', 'after a whole pair: no step back');
    assert.equal(capText('ab\ud800x', 3), 'ab… [2 more characters]', 'the lowest high surrogate');
    assert.equal(capText('ab\udbffx', 3), 'ab… [2 more characters]', 'the highest high surrogate');
    assert.equal(
      capText('ab\udc00x', 3),
      'ab\udc00… [1 more characters]',
      'a low surrogate is not the start of a pair',
    );
    assert.equal(capText('ab\ud7ffx', 3), 'ab\ud7ff… [1 more characters]', 'below the surrogates');
  });
});

describe('serverText', () => {
  it('an HTML page becomes its title and visible text, entities decoded once', () => {
    const page =
      '<!DOCTYPE html><html><head><title>\n 503  Service\tUnavailable </title><script>alert(1)</script></head>' +
      '<body><style>h1{color:red}</style><h1>Down</h1><p>a &lt;b&gt; &quot;c&quot; &#39;d&#39; e&nbsp;f &amp;lt; g</p><script type="x">var x</script ></body></html>';
    assert.equal(serverText(page), `503 Service Unavailable: Down a <b> "c" 'd' e f &lt; g`);
  });

  it('a page whose text begins with its title says it once', () => {
    assert.equal(
      serverText(
        '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>',
      ),
      '502 Bad Gateway nginx',
    );
    assert.equal(serverText('<html><body>no title</body></html>'), 'no title');
    assert.equal(
      serverText('<html><head><title lang="en">T</title></head><body>b</body></html>'),
      'T: b',
      'a title with attributes',
    );
    assert.equal(
      serverText('<html><body>a<script>x()</script>b<style>p{}</style>c</body></html>'),
      'a b c',
      'a removed script or style still separates words',
    );
  });

  it('only a text that starts as a page is read as one (after spaces, in any case, <html, <head, <body or the doctype)', () => {
    assert.equal(serverText('  \n<HTML><b>x</b></HTML>'), 'x');
    assert.equal(serverText('<head><title>t</title></head>body'), 't: body');
    assert.equal(serverText('<body>b</body>'), 'b');
    assert.equal(serverText('<!doctype html><p>p</p>'), 'p');
    assert.equal(
      serverText('error: <html> is not allowed'),
      'error: <html> is not allowed',
      'a message that mentions a tag',
    );
    assert.equal(serverText('{"error": "<b>bold</b>"}'), '{"error": "<b>bold</b>"}');
  });

  it('controls go before redaction, so an escape inside a key does not hide it', () => {
    assert.equal(serverText(`key sk-abcd${ESC}[0mefgh1234 refused`), 'key sk-*** refused');
    assert.equal(serverText('token my-secret-token-1 echoed', 'my-secret-token-1'), 'token *** echoed');
  });

  it('reads at most 64 KB of a body, and says so when what is left is short', () => {
    const exact = 'y'.repeat(64 * 1024);
    assert.equal(
      serverText(exact, undefined, 100),
      `${'y'.repeat(100)}… [${64 * 1024 - 100} more characters]`,
      '64 KB exactly: not cut, only capped',
    );
    const page = `<html><head><title>Error</title></head><body>short${' '.repeat(70_000)}</body></html>`;
    assert.ok(page.length > 64 * 1024);
    assert.equal(serverText(page), `Error: short… [cut at 64 KB of ${page.length} characters]`);
    // exactly 64 KB is read whole: a short page text, no "cut" note
    const head = '<html><head><title>Error</title></head><body>short';
    const whole = `${head}${' '.repeat(64 * 1024 - head.length - 14)}</body></html>`;
    assert.equal(whole.length, 64 * 1024);
    assert.equal(serverText(whole), 'Error: short');
    // cut, and what is left is exactly max characters: kept whole, with the note
    const exactly = `<html><body>${'w'.repeat(100)}${' '.repeat(70_000)}</body></html>`;
    assert.equal(
      serverText(exactly, undefined, 100),
      `${'w'.repeat(100)}… [cut at 64 KB of ${exactly.length} characters]`,
    );
    const long = 'z'.repeat(70_000);
    assert.equal(
      serverText(long, undefined, 10),
      `${'z'.repeat(10)}… [${64 * 1024 - 10} more characters]`,
      'still too long after the cut: capped',
    );
  });
});
