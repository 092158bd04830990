/**
 * Issue 23: answer formats of RL-era templates, through the APIs the corpus does not exercise (whole
 * responses with inferred types, every answer type) and with hostile inputs for each new extraction step.
 * The policies and their sources: docs/grader-formats.md. Most behaviour is in corpus.jsonl.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradePair, gradeResponse, GRADER_VERSION } from '../../../src/core/grader';
import {
  answerTagContent,
  cutInventedTurn,
  holdsMarkers,
  stripTemplateTokens,
} from '../../../src/core/grader/template';
import { HOSTILE_INPUTS } from './fixtures/hostile-inputs';

test('the grader version moved on with the verdicts of issue 25 (√x, matrix scalars and signs, number rounding, command-only answer lines)', () => {
  assert.equal(GRADER_VERSION, 'w2s-grader/5');
});

test('percent is compared the same way whatever type was inferred from the gold', () => {
  // `0.5` and `50` are inferred as numbers; `50\%` must not lose its sign on the way
  for (const [gold, pred, equal] of [
    ['0.5', '50\\%', true],
    ['0.5', '$50\\%$', true],
    ['50', '50%', true],
    ['0.5', '5\\%', false],
  ] as const) {
    const r = gradePair({ gold, pred });
    assert.equal(r.equal, equal, `${gold} vs ${pred}: ${JSON.stringify(r)}`);
    const m = gradePair({ gold, pred, type: 'math' });
    assert.equal(m.equal, r.equal, `${gold} vs ${pred} differs between number and math`);
  }
  const resp = gradeResponse({ gold: '0.25', response: 'So a quarter of the class, that is \\boxed{25\\%}.' });
  assert.deepEqual([resp.extracted, resp.verdict], ['25\\%', 'correct']);
});

test('answer tags and template tokens are read for every answer type, in whole responses', () => {
  const cases: [string, string, 'math' | 'number' | 'choice' | 'text' | undefined, string | null, string][] = [
    ['18', 'Janet sells 16 - 3 - 4 = 9 eggs for $2 each.</think>\n<answer>18</answer>', 'number', '18', 'correct'],
    [
      '18',
      'Janet sells 9 eggs at $2 each: 18 dollars.</think>\n<answer>\n9\n</answer><|im_end|>',
      'number',
      '9',
      'incorrect',
    ],
    ['B', 'Option B fits both conditions.</think> <answer>b</answer>', 'choice', 'B', 'correct'],
    ['Paris', '<reasoning>The capital of France.</reasoning>\n<answer>Paris</answer>', 'text', 'paris', 'correct'],
    [
      '\\frac{1}{2}',
      '<|start_header_id|>assistant<|end_header_id|>\n\nThe answer is $\\frac{1}{2}$.<|eot_id|>',
      undefined,
      '\\frac{1}{2}',
      'correct',
    ],
    ['7', '<|channel|>analysis<|message|>3+4 is 7.<|end|>', undefined, null, 'no-answer'],
  ];
  for (const [gold, response, type, extracted, verdict] of cases) {
    const r = gradeResponse({ gold, response, type });
    assert.deepEqual([r.extracted, r.verdict], [extracted, verdict], response);
  }
});

test('template tokens: the first turn that says something, tokens removed, harmony final channel', () => {
  assert.equal(stripTemplateTokens('plain text, nothing to do'), 'plain text, nothing to do');
  assert.equal(stripTemplateTokens('<|endoftext|> 42<|im_end|><|im_start|>user\n43<|im_end|>')?.trim(), '42');
  assert.equal(
    stripTemplateTokens(
      '<|channel|>analysis<|message|>x<|end|><|start|>assistant<|channel|>final<|message|>5<|return|>',
    )?.trim(),
    '5',
  );
  assert.equal(stripTemplateTokens('<|channel|>analysis<|message|>still thinking'), null);
  // Sky-T1's structure tokens are kept for the tag and reasoning rules
  assert.match(
    stripTemplateTokens('<|begin_of_solution|>5<|end_of_solution|><|im_end|>')!,
    /<\|begin_of_solution\|>5<\|end_of_solution\|>/,
  );
  // an invented "User:"/"Assistant:" turn is cut; a mention of a user is not
  assert.equal(cutInventedTurn('So 5.\nUser: and 6?\nAssistant: 6'), 'So 5.');
  assert.equal(cutInventedTurn('So 5.\nUser: said 6'), 'So 5.\nUser: said 6');
  assert.equal(cutInventedTurn('Assistant: 4\nUser: ok'), 'Assistant: 4\nUser: ok');
  // a response opening with an invented turn has nothing before it; an Assistant line alone is no turn
  assert.equal(cutInventedTurn('\nUser: a\nAssistant: b'), '');
  assert.equal(cutInventedTurn('So\nAssistant: 56'), 'So\nAssistant: 56');
  // an empty tag is no answer, and the text after it is not read as its content
  assert.equal(answerTagContent('<answer></answer> 5'), null);
  assert.equal(answerTagContent('no tag here'), null);
  assert.equal(answerTagContent('<answer>1</answer> then <ANSWER> 2 </ANSWER>'), ' 2 ');
  assert.equal(answerTagContent('<answer>   </answer>'), null);
});

test('hostile inputs for the new steps give the verdict they must (their time: bench/grading.bench.ts)', () => {
  for (const { gold, response, verdict } of HOSTILE_INPUTS) {
    const math = gradeResponse({ gold, response, type: 'math' });
    assert.ok(
      [verdict, 'error'].includes(math.verdict),
      `${response.slice(0, 20)}…: ${JSON.stringify(math).slice(0, 200)}`,
    );
    assert.notEqual(gradeResponse({ gold: 'C', response, type: 'choice' }).verdict, 'correct');
  }
});

/** stripTemplateTokens with runs of white space collapsed (what is kept matters, not the spaces left). */
const stripped = (s: string): string | null => stripTemplateTokens(s)?.replace(/\s+/g, ' ').trim() ?? null;

test('every end-of-turn token of the documented templates ends the answer', () => {
  for (const end of [
    '<|im_end|>',
    '<|eot_id|>',
    '<|eom_id|>',
    '<|end_of_text|>',
    '<|endoftext|>',
    '<|end|>',
    '<|return|>',
    '<｜end▁of▁sentence｜>',
    '<|end▁of▁sentence|>',
    '</s>',
    '<end_of_turn>',
    '<eos>',
  ]) {
    assert.equal(stripped(`The answer is 5.${end}Next turn: 6`), 'The answer is 5.', end);
    // an end token before anything is said is skipped, not taken as the end
    assert.equal(stripped(`${end}\n7`), '7', `${end} first`);
    assert.equal(stripped(` \n${end}7`), '7', `${end} after white space only`);
  }
});

test('role headers go with their role word, and other template tokens are removed', () => {
  for (const [raw, want] of [
    ['<|im_start|>assistant\n5', '5'],
    ['<|im_start|>system\nx<|im_end|>', 'x'],
    ['<|start_header_id|>assistant<|end_header_id|>\n\n5', '5'],
    ['<start_of_turn>model\n5', '5'],
    ['<|start|>assistant<|channel|>final<|message|>5', '5'],
    ['<｜Assistant｜>5', '5'],
    ['<s>[INST] q [/INST] 5', 'q 5'],
    ['<|begin_of_text|>5', '5'],
    ['a <|vision_pad|> b', 'a b'],
    // a token between two numbers must not glue them into one
    ['5<|vision_pad|>6', '5 6'],
    ['<|im_start|> assistant 5', '5'],
    ['<|start_header_id|> assistant <|end_header_id|> 5', '5'],
    ['a <｜place▁holder.no-1｜> b', 'a b'],
    ['a <|this_name_is_much_longer_than_forty_chars_x|> b', 'a <|this_name_is_much_longer_than_forty_chars_x|> b'],
    [
      '<|begin_of_thought|>t<|end_of_thought|><|begin_of_solution|>5<|end_of_solution|>',
      '<|begin_of_thought|>t<|end_of_thought|><|begin_of_solution|>5<|end_of_solution|>',
    ],
    ['|x| <| 2', '|x| <| 2'],
  ] as const) {
    assert.equal(stripped(raw), want, raw);
  }
  // harmony: the final channel, also with a constrained format, and only the last one
  assert.equal(stripped('<|channel|>final <|constrain|>json<|message|>{"a": 1}<|call|>'), '{"a": 1}');
  assert.equal(stripped('<|channel|>final<|message|>4<|end|><|start|>assistant<|channel|>final<|message|>5'), '5');
});

test('the cheap pre-tests see every marker they guard', () => {
  for (const s of [
    'x <think> y',
    'x </think> y',
    'x <|im_end|>',
    'x <｜end▁of▁sentence｜>',
    'x <answer> y',
    'x </answer>',
    'x <reasoning>',
    'x </reasoning>',
    'x <start_working_out>',
    'x <end_working_out>',
    'x <solution>',
    'x </solution>',
    'x <s> y',
    'x </s>',
    'x <eos>',
    'x <start_of_turn>',
    'x <end_of_turn>',
    'x [INST] y',
    'x [/INST] y',
    'x <ANSWER>',
    'x <Think>',
  ]) {
    assert.ok(holdsMarkers(s), s);
  }
  for (const s of ['x < 3 and y <= 4', 'plain', 'a <b> c', 'INST']) assert.ok(!holdsMarkers(s), s);
  // each token alone is enough for stripTemplateTokens to act
  for (const [raw, want] of [
    ['5</s>6', '5'],
    ['<s>5', '5'],
    ['5<end_of_turn>6', '5'],
    ['5<eos>6', '5'],
    ['[INST]5', '5'],
    ['5<｜end▁of▁sentence｜>6', '5'],
  ] as const) {
    assert.equal(stripped(raw), want, raw);
  }
});

test('answer tags: the last one of any template, any case, closed or left open', () => {
  for (const [text, want] of [
    ['<answer>1</answer>', '1'],
    ['<Answer>1</ANSWER>', '1'],
    ['<answer>1</answer><answer>2</answer>', '2'],
    ['<|begin_of_solution|>S<|end_of_solution|>', 'S'],
    ['<SOLUTION>3</SOLUTION>', '3'],
    ['<solution>3</solution>', '3'],
    ['<answer>1</answer> then <SOLUTION>4</SOLUTION>', '4'],
    ['<SOLUTION>4</SOLUTION> then <answer>1</answer>', '1'],
    ['<answer> 7 and more', ' 7 and more'],
    ['</answer> only a closing tag', null],
  ] as const) {
    assert.equal(answerTagContent(text), want, text);
  }
});
