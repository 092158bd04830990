/**
 * The rules of template.ts (issue 25) that formats.test.ts leaves open: every role word of every role
 * header, the spacing the harmony final channel allows, and Sky-T1's structure tokens in either bar style.
 * Templates: the chat templates named in template.ts (ChatML/Qwen, Llama 3, Gemma, gpt-oss harmony,
 * DeepSeek); policies in docs/grader-formats.md.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradeResponse } from '../../../src/core/grader';
import { holdsMarkers, stripTemplateTokens } from '../../../src/core/grader/template';

/** stripTemplateTokens with runs of white space collapsed (what is kept matters, not the spaces left). */
const stripped = (s: string): string | null => stripTemplateTokens(s)?.replace(/\s+/g, ' ').trim() ?? null;

test('role headers go with every role word they may carry (assistant, user, system, model), or none', () => {
  for (const [raw, want] of [
    ['<|im_start|>user\n5', '5'],
    ['<|im_start|>system\n5', '5'],
    ['<|im_start|>\n5', '5'],
    ['<|start_header_id|>user<|end_header_id|>5', '5'],
    ['<|start_header_id|>system<|end_header_id|>5', '5'],
    ['<|start_header_id|><|end_header_id|>5', '5'],
    ['<start_of_turn>user\n5', '5'],
    ['<start_of_turn>\n5', '5'],
    ['<|Assistant|>5', '5'],
    ['<|start|> assistant 5', '5'],
    ['<|start|>assistant\n5', '5'],
    ['<start_of_turn> user\n5', '5'],
    ['[/INST]5', '5'],
  ] as const)
    assert.equal(stripped(raw), want, raw);
});

test('harmony: the final channel with spaces around its name and its constraint; another channel is no answer', () => {
  assert.equal(stripped('<|channel|> final <|message|>5'), '5');
  assert.equal(stripped('<|channel|>final <|constrain|> json <|message|>5'), '5');
  assert.equal(stripped('<|channel|>commentary<|message|>5'), null);
  // seen by the user as no answer, not as the commentary's 5
  assert.deepEqual(
    [gradeResponse({ gold: '5', response: '<|channel|>commentary<|message|>5', type: 'math' }).verdict],
    ['no-answer'],
  );
});

test("Sky-T1's structure tokens are kept in either bar style, for the reasoning and answer-tag rules", () => {
  for (const raw of ['<｜begin_of_thought｜>t<｜end_of_thought｜>', '<|begin_of_solution｜>x', '<|end_of_solution|> x'])
    assert.equal(stripped(raw), raw.replace(/\s+/g, ' '), raw);
  // other bar tokens go, whatever their bar style
  assert.equal(stripped('a<｜x｜>b'), 'a b');
  assert.equal(stripped('a<|x｜>b'), 'a b');
  // a bar token needs a name
  assert.equal(stripped('a<||>b'), 'a<||>b');
});

test('a role header between two numbers must not glue them into one', () => {
  assert.equal(stripped('5<s>6'), '5 6');
  assert.equal(stripped('5[INST]6'), '5 6');
});

test('holdsMarkers reads what follows each `<`, never text without one', () => {
  for (const s of ['xthink about it', 'xanswer', 'xs> and more']) assert.ok(!holdsMarkers(s), s);
  assert.ok(holdsMarkers('x<think'));
});
