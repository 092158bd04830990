// Each key shape redactSecrets knows, one by one, with the exact text that must come out: the prefix
// that says which service it was stays readable, the secret part is gone, and what follows the key is
// kept. (A single sentence holding several keys let a shape be dropped from the rule unnoticed.)
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_KEY, redactSecrets, serverText } from '../../../src/core/untrusted-text';

describe('redaction, shape by shape', () => {
  it('prefixed keys of the hosted APIs keep their prefix', () => {
    const cases: [string, string][] = [
      ['sk-abcdefgh12345678', 'sk-***'], // OpenAI, DeepSeek
      ['sk-proj-AbC_dEf-123456789', 'sk-***'], // OpenAI project key: "proj-…" is part of the secret
      ['sk-ant-api03-AAAABBBBCCCC', 'sk-***'], // Anthropic
      ['sk-or-v1-0123456789abcdef', 'sk-***'], // OpenRouter
      ['tgp_v1_AbCdEfGhIjKl', 'tgp_***'], // Together
      ['gsk_AbCdEfGhIjKl', 'gsk_***'], // Groq
      ['hf_AbCdEfGhIjKlMnOp', 'hf_***'], // Hugging Face
      ['xai-AbCdEfGhIjKl', 'xai-***'], // xAI
      ['pplx-AbCdEfGhIjKl', 'pplx-***'], // Perplexity
      ['nvapi-AbCdEfGhIjKl', 'nvapi-***'], // NVIDIA
      ['r8_AbCdEfGhIjKl', 'r8_***'], // Replicate
      ['fw_AbCdEfGhIjKl', 'fw_***'], // Fireworks
    ];
    for (const [key, masked] of cases) {
      assert.equal(redactSecrets(`key ${key} was refused`), `key ${masked} was refused`, key);
      assert.equal(redactSecrets(`"${key}"`), `"${masked}"`, `${key} in quotes`);
    }
  });

  it('a prefix needs 8 characters after it and a word boundary before it', () => {
    assert.equal(redactSecrets('sk-1234567 short'), 'sk-1234567 short', '7 characters: not a key');
    assert.equal(redactSecrets('sk-12345678 long'), 'sk-*** long', '8 characters: a key');
    assert.equal(
      redactSecrets('risk-assessment-2026 desk_reference_manual'),
      'risk-assessment-2026 desk_reference_manual',
      'inside a word',
    );
    assert.equal(redactSecrets('ask-me-anything-now'), 'ask-me-anything-now');
  });

  it('the value after Bearer, Basic or Token, in any case, up to a space, quote, comma, semicolon or brace', () => {
    assert.equal(redactSecrets('Authorization: Bearer eyJhbGciOi.J9.x-y_z'), 'Authorization: Bearer ***');
    assert.equal(redactSecrets('authorization: bearer abc123'), 'authorization: bearer ***');
    assert.equal(redactSecrets('Authorization: Basic dXNlcjpwYXNz'), 'Authorization: Basic ***');
    assert.equal(redactSecrets('Authorization: Token 0123456789'), 'Authorization: Token ***');
    assert.equal(redactSecrets('BEARER\tabc more'), 'BEARER\t*** more', 'a tab after the scheme');
    assert.equal(
      redactSecrets('Authorization: Bearer   abc'),
      'Authorization: Bearer   ***',
      'several spaces after the scheme',
    );
    assert.equal(redactSecrets('{"h":"Bearer abc","n":1}'), '{"h":"Bearer ***","n":1}');
    assert.equal(redactSecrets("Bearer abc'x"), "Bearer ***'x");
    assert.equal(redactSecrets('Bearer abc,Bearer def;x'), 'Bearer ***,Bearer ***;x');
    assert.equal(redactSecrets('{Bearer abc}'), '{Bearer ***}');
    assert.equal(redactSecrets('Bearers of news'), 'Bearers of news', 'not the word Bearers');
  });

  it('the value of a key field: api_key, apikey, api-key, x-api-key, access_token, access-token, secret', () => {
    assert.equal(redactSecrets('api_key=abc123&model=x'), 'api_key=***&model=x');
    assert.equal(redactSecrets('apikey: abc123'), 'apikey: ***');
    assert.equal(redactSecrets('API-KEY=abc123'), 'API-KEY=***');
    assert.equal(redactSecrets('{"x-api-key": "q1q1q1q1"}'), '{"x-api-key": "***"}');
    assert.equal(redactSecrets("{'access_token':'tok9'}"), "{'access_token':'***'}");
    assert.equal(redactSecrets('accesstoken=tok9;'), 'accesstoken=***;');
    assert.equal(redactSecrets('access-token = tok9 rest'), 'access-token = *** rest');
    assert.equal(redactSecrets('{"secret":"s3cr3t","ok":true}'), '{"secret":"***","ok":true}');
    assert.equal(redactSecrets('secret,comma'), 'secret,comma', 'no separator: not a field');
  });

  it('the configured key (a Ray cluster token, a self-hosted key) is masked wherever it appears, if 6 characters or more', () => {
    const rayToken = '7f3a9c2e41b04d6a8e5f1c3b2a9d8e7f'; // `ray get-auth-token` prints a hex string
    assert.equal(redactSecrets(`token ${rayToken} and again:${rayToken}.`, rayToken), 'token *** and again:***.');
    assert.equal(serverText(`refused ${rayToken}`, rayToken), 'refused ***', 'serverText masks it too');
    assert.equal(redactSecrets('abcdef in abcdef', 'abcdef'), '*** in ***', '6 characters: masked');
    assert.equal(redactSecrets('abcde in abcde', 'abcde'), 'abcde in abcde', 'shorter: too likely to be ordinary text');
    assert.equal(redactSecrets('none here', undefined), 'none here');
    assert.equal(
      redactSecrets(`sent ${NO_KEY}`, NO_KEY),
      'sent sk-***',
      'the placeholder is not masked as the key, only as a key shape',
    );
  });
});
