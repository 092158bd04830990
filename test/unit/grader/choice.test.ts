// Multiple-choice letters, case by case: each case pins one part of choice.ts's rules (cases that the
// mutation run of choice.ts showed missing: wrappers, spacing commands, the "Option/Answer:" prefix,
// the box before the prose, the order of the prose rules).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { choiceLetterOf, extractChoice, isBareLetter } from '../../../src/core/grader/choice';

test('choiceLetterOf unwraps \\text-like commands, nested and spaced, and reads the letter', () => {
  assert.equal(choiceLetterOf('\\textbf{(B)} 12'), 'B');
  assert.equal(choiceLetterOf('\\text {C}'), 'C', 'a space between the command and its brace');
  assert.equal(choiceLetterOf('\\textbf{\\text{D}}'), 'D', 'two levels of wrappers');
  assert.equal(choiceLetterOf('\\mathrm{(A)}'), 'A', 'a wrapper around more than one character');
  assert.equal(choiceLetterOf('\\operatorname{E}'), 'E');
});

test('choiceLetterOf reads spacing commands, ~, $ and ** as spaces', () => {
  assert.equal(choiceLetterOf('B~(12)'), 'B', '"~" is a space, so the letter stands alone');
  assert.equal(choiceLetterOf('C\\,(7)'), 'C');
  assert.equal(choiceLetterOf('$D$'), 'D');
  assert.equal(choiceLetterOf('**E**'), 'E');
  assert.equal(choiceLetterOf('B(12)'), null, 'no space: not a letter on its own');
});

test('choiceLetterOf drops an "Option", "Choice" or "Answer" prefix, with or without a colon', () => {
  assert.equal(choiceLetterOf('Option B'), 'B');
  assert.equal(choiceLetterOf('  Option B'), 'B', 'leading spaces');
  assert.equal(choiceLetterOf('Option:B'), 'B', 'a colon and no space');
  assert.equal(choiceLetterOf('Option : B'), 'B', 'spaces around the colon');
  assert.equal(choiceLetterOf('choice: (C)'), 'C');
  assert.equal(choiceLetterOf('Answer：D'), 'D', 'a full-width colon');
  assert.equal(choiceLetterOf('Option:(B)'), 'B');
  assert.equal(choiceLetterOf('Ganswer'), null, 'the prefix only counts at the start');
  assert.equal(choiceLetterOf('E*2'), null);
  assert.equal(choiceLetterOf('K'), null, 'letters beyond J are not choices');
});

test('isBareLetter: only a letter, possibly wrapped or parenthesised', () => {
  for (const s of ['B', '(B)', '\\textbf{B}.', '$B$', '**C**', ' (D): ', '\\text{\\textbf{E}}'])
    assert.equal(isBareLetter(s), true, s);
  for (const s of ['B is right', 'AB', '(B) 12', '12', '']) assert.equal(isBareLetter(s), false, s);
});

test('extractChoice: a box with a letter wins; a box without one leaves the prose to decide', () => {
  assert.equal(extractChoice('The answer is C. \\boxed{12}'), 'C');
  assert.equal(extractChoice('The answer is C. \\boxed{D}'), 'D');
  assert.equal(extractChoice('\\boxed{12}'), null);
});

test('extractChoice: the order of the prose rules', () => {
  // "final answer is" before an answer word, before a letter opening the text
  assert.equal(extractChoice('A is tempting. Answer: B. So the final answer is C'), 'C');
  assert.equal(extractChoice('A is tempting, but the answer: B'), 'B');
  // an answer word with a colon before one without
  assert.equal(extractChoice('The answer might be D. Answer: B'), 'B');
  // a letter opening the response before one opening a later line, before one inside a line
  assert.equal(extractChoice('C\nthen maybe\nB\nor perhaps E is it'), 'C');
  assert.equal(extractChoice('we think\nB\nor perhaps E is it'), 'B');
  assert.equal(extractChoice('it cannot be A or B, so C'), 'C', 'the rightmost letter standing alone');
  assert.equal(extractChoice('**B**\nbecause of it'), 'B', 'bold at the start');
  assert.equal(
    extractChoice('I think so, and the choice (D) looks better than (A) here'),
    'A',
    'no rule but "(X)": the rightmost',
  );
  assert.equal(extractChoice('réponse : D'), 'D');
  assert.equal(extractChoice('答案是 C'), 'C');
  assert.equal(extractChoice('I agree'), null, 'the pronoun I is never an answer');
});

test('extractChoice: an answer word with a colon outranks a later one without', () => {
  assert.equal(extractChoice('Answer: B. Some say the answer is D'), 'B');
  assert.equal(extractChoice('Answer : B. but the answer could be D'), 'B', 'a space before the colon');
});

test('extractChoice: a letter stands alone only between spaces, ** or punctuation', () => {
  assert.equal(extractChoice('we get 3B or so'), null, 'a digit before it');
  assert.equal(extractChoice('plan B-ish thinking'), null, 'a hyphen after it');
  assert.equal(extractChoice('so  *B, ok'), null, 'one * is not bold');
  assert.equal(extractChoice('so **B** it is'), 'B', 'bold is');
  assert.equal(
    extractChoice('x\n  B\nthen E, maybe'),
    'B',
    'a letter opening a line (after spaces) outranks one inside a line',
  );
});
