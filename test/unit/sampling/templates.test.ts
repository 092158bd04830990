import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUILTIN_TEMPLATES,
  checkTemplate,
  requireTemplate,
  listTemplates,
  renderPrompt,
  saveTemplate,
} from '../../../src/core/sampling/templates';
import { cleanup, storeWithSet } from './helpers';

const byName = (n: string) => BUILTIN_TEMPLATES.find((t) => t.name === n)!;

describe('templates', () => {
  it('renders qwen-base exactly as the W2SR code does', () => {
    const r = renderPrompt(byName('qwen-base'), 'What is 1+1?');
    assert.equal(r.api, 'chat');
    assert.deepEqual(r.api === 'chat' && r.messages, [
      { role: 'system', content: 'You are a helpful assistant.' },
      {
        role: 'user',
        content: 'What is 1+1?\nPlease reason step by step, and put your final answer within \\boxed{}.',
      },
    ]);
    assert.equal(r.stored, JSON.stringify(r.api === 'chat' ? r.messages : null));
  });

  it('renders qwen-instruct with the instruction as the system prompt', () => {
    const r = renderPrompt(byName('qwen-instruct'), 'Q');
    assert.deepEqual(r.api === 'chat' && r.messages, [
      { role: 'system', content: 'Please reason step by step, and put your final answer within \\boxed{}.' },
      { role: 'user', content: 'Q' },
    ]);
  });

  it('renders simple as a raw completions prompt', () => {
    const r = renderPrompt(byName('simple'), 'Find $x$.');
    assert.equal(r.api, 'completions');
    assert.equal(r.api === 'completions' && r.prompt, "Question:\nFind $x$.\nAnswer:\nLet's think step by step. ");
    assert.equal(r.stored, "Question:\nFind $x$.\nAnswer:\nLet's think step by step. ");
  });

  it('keeps $ patterns in the question literally (no replace() expansion)', () => {
    const r = renderPrompt({ name: 't', api: 'completions', user: 'Q: {problem}' }, "cost is $$5 and $& and $'");
    assert.equal(r.stored, "Q: cost is $$5 and $& and $'");
  });

  it('rejects templates without {problem} or with bad names', () => {
    assert.throws(() => checkTemplate({ name: 'x', api: 'chat', user: 'no placeholder' }), /\{problem\}/);
    assert.throws(
      () => checkTemplate({ name: 'bad name', api: 'chat', user: '{problem}' }),
      /not a valid template name/,
    );
    assert.throws(
      () => checkTemplate({ name: 'c', api: 'completions', system: 'sys', user: '{problem}' }),
      /no system prompt/,
    );
  });

  it('stores workspace templates and refuses to shadow built-ins', async () => {
    const { store, dir } = await storeWithSet(1);
    try {
      saveTemplate(store, { name: 'mine', api: 'chat', system: 'Be brief.', user: 'Solve: {problem}' });
      assert.equal(requireTemplate(store, 'mine').user, 'Solve: {problem}');
      assert.deepEqual(
        listTemplates(store).map((t) => t.name),
        ['qwen-base', 'qwen-instruct', 'simple', 'mine'],
      );
      assert.throws(() => saveTemplate(store, { name: 'simple', api: 'completions', user: '{problem}' }), /built-in/);
      assert.throws(() => requireTemplate(store, 'nope'), /No template named "nope"/);
    } finally {
      cleanup(store, dir);
    }
  });
});
