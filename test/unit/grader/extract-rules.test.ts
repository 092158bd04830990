/**
 * The rules of src/core/grader/extract.ts, each named in its test and pinned as a user sees it: the answer
 * extracted from a response (what the trace browser shows and what is graded). The order and windows are
 * Math-Verify 0.8.0's (math_verify/parser.py: the priorities 0/50/100/200/300, `answer(?:.{0,100}=\s*|.{0,50}?)`,
 * "final answer is X. I hope"), as the header of extract.ts lists them; the rest are this grader's own
 * policies (docs/grader-formats.md, shared/notes/grading.md).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractAnswer, type AnswerType } from '../../../src/core/grader';
import {
  answerRegion,
  bareAnswer,
  hasCjkText,
  hasProse,
  isBareAnswer,
  looksLikeResponse,
} from '../../../src/core/grader/extract';

const x = (response: string, type: AnswerType = 'math'): string | null => extractAnswer(response, type);

describe('priority 0 and 50: "final answer" sentences and boxes', () => {
  it('"final answer is X. I hope" (priority 0) needs "is" right after "final answer" and "I hope" right after X', () => {
    assert.equal(x('The final answer is $7$. I hope it is correct. \\boxed{3}'), '7');
    assert.equal(x('The final answer is $7$ I hope it is correct. \\boxed{3}'), '7', 'the period is optional');
    assert.equal(x('FINAL ANSWER IS: 7. I hope so \\boxed{3}'), '7', 'any case, a colon after "is"');
    // otherwise it is a priority-50 candidate and the box, ending further right, wins
    assert.equal(x('The final answer for it is $7$. I hope it is correct. \\boxed{3}'), '3');
    assert.equal(x('The final answer is $7$, I hope it is correct. \\boxed{3}'), '3');
    assert.equal(x('The final answer is $7$.  I hope it is correct. \\boxed{3}'), '3', 'one space at most');
    assert.equal(x('The final answer is $7$. We hope it is correct. \\boxed{3}'), '3');
  });

  it('"final answer … is X" reads X when "is" comes within 100 characters', () => {
    const at = (gap: number) => x(`The final answer${'x'.repeat(gap)} is 7 and 9`);
    assert.equal(at(100), '7');
    assert.equal(at(101), '9', 'too far: the last number is the answer');
    assert.equal(x('The final answer to this long question is 7'), '7');
  });

  it('a final-answer line that is a whole expression is read whole, also before "I hope"', () => {
    assert.equal(x('The final answer is 2x + 3'), '2x + 3');
    assert.equal(x('The final answer is 2x + 3. I hope it is correct. \\boxed{4}'), '2x + 3');
    assert.equal(x('The final answer is 2x + 3. And \\boxed{4}'), '4', 'without "I hope" the later box wins');
  });

  it('the last box wins, boxes next to each other are joined, and a box beats an earlier final-answer sentence', () => {
    assert.equal(x('first \\boxed{1}, then \\boxed{2}'), '1, 2');
    assert.equal(x('The final answer is $4$, no wait: \\boxed{5} and \\boxed{6}'), '5, 6');
    assert.equal(x('\\boxed{5} \\boxed{6}. The final answer is 6'), '6');
    assert.equal(x('\\boxed{5}. The final answer is $6$. More words after it'), '6');
  });
});

describe('priority 100 and 200: after an answer word', () => {
  it('"answer:" (one space before the colon at most, or a full-width colon) beats "the answer is"', () => {
    assert.equal(x('Answer : 8 but the answer is 9'), '8');
    assert.equal(x('Answer  : 8 but the answer is 9'), '9', 'two spaces: no colon, both priority 200, the later wins');
    assert.equal(x('答案：42，然后 7'), '42');
    assert.equal(x('Réponse: 42. Puis 7'), '42');
    assert.equal(x('reponse : 42. Puis 7'), '42');
  });

  it('"####" (GSM8K) is an answer word', () => {
    assert.equal(x('#### 18 then 19'), '18');
    assert.equal(x('16 - 3 - 4 = 9\n#### 18\nbonus 20'), '18');
  });

  it('the number right after the last `=` within 100 characters of the answer word wins over the first number', () => {
    assert.equal(x('answer: 35 + 70 = 105'), '105');
    assert.equal(x('the answer is 35 + 70 = 105 ok'), '105');
    const eqAt = (k: number) => x(`The answer is 1 and ${'y'.repeat(k)}= 5`);
    assert.equal(eqAt(89), '5', '`=` 99 characters after the answer word');
    assert.equal(eqAt(90), '1', '`=` 100 characters after: out of the window, the first number');
    assert.equal(x('The answer is 5 = x then 7'), '7', 'a number followed by `=` is working, not the answer');
    assert.equal(x('The answer is x = 5 = y so 3'), '3');
  });

  it('without `=`, the first number within 50 characters of the answer word', () => {
    const numAt = (k: number) => x(`The answer is ${'z'.repeat(k)} 4 and then 6 more`);
    assert.equal(numAt(30), '4');
    assert.equal(x(`The answer is ${'z '.repeat(30)}4 and then 6 more`), '6', 'beyond 50: the last number');
    assert.equal(x('The answer is 2 apples and 3 pears'), '2');
    assert.equal(x('Answer: 1,234 apples'), '1234');
  });

  it('a math segment within 50 characters of the answer word is a candidate of the same priority', () => {
    assert.equal(x('The answer: $\\frac{1}{2}$'), '\\frac{1}{2}');
    assert.equal(x(`Answer: ${'w'.repeat(40)} $\\frac{1}{2}$`), '\\frac{1}{2}');
    assert.equal(x(`Answer: ${'w '.repeat(30)} $\\frac{1}{2}$ and \\(x\\)`), 'x', 'too far: the last segment');
    assert.equal(x('answer: $5$ and answer is $6$'), '5');
    // within one priority the candidate ending rightmost is tried first
    assert.equal(x('Answer: $\\frac{1}{2}$ later 7'), '7');
  });

  it('a percent after the answer stays on it', () => {
    assert.equal(x('So the answer is 50% of 8'), '50\\%');
    assert.equal(x('We get $50$% here'), '50\\%');
    assert.equal(x('answer: $50$ percent'), '50\\%');
  });

  it('a concluding word (donc, 所以, 因此, 故而) counts in the last sentence only, as a whole word', () => {
    assert.equal(x('Donc 5 est le résultat de 2 fois 3'), '5');
    assert.equal(x('所以 5 是 2 和 3'), '5');
    assert.equal(x('因此 5 是 2 和 3'), '5');
    assert.equal(x('故而 5 是 2 和 3'), '5');
    assert.equal(x('Donc 5 au départ. Ensuite on trouve 7 et 8'), '8', 'an earlier sentence: an intermediate result');
    assert.equal(x('Donc 5 au départ! Ensuite 7 et 8'), '8');
    assert.equal(x('Donc 5 au départ\nEnsuite 7 et 8'), '8');
    assert.equal(
      x('On a 2 et 3. Donc 5 est le résultat de 2 fois 3.'),
      '5',
      'a final period ends, not starts, the sentence',
    );
    assert.equal(x('On a 2 et 3. Donc 5 est 2.5 fois 2'), '5', 'a decimal point is no sentence end');
    assert.equal(x('abandonc 5 est 2 et 3'), '3');
  });
});

describe('a whole expression line after an answer word', () => {
  it('the rest of the line (to its end or the end of its sentence) is read whole when it is plain math', () => {
    assert.equal(x('The answer is x+1.'), 'x+1');
    assert.equal(x('The answer is x + 1. Then 7'), 'x + 1');
    assert.equal(x('Answer: **2x + 3**'), '2x + 3');
    assert.equal(x('Answer:\t2x + 3;'), '2x + 3');
    assert.equal(x('Answer: x = 2y + 1'), 'x = 2y + 1');
    assert.equal(x('The answer is 2, 3'), '2, 3', 'numbers after a comma and a space are a list');
    assert.equal(x('The answer is -2, +3.5'), '-2, +3.5');
    assert.equal(x('The answer is 12 meters'), '12 meters', 'units are no prose');
    assert.equal(x('The answer is 2\\sqrt{3}'), '2\\sqrt{3}');
    assert.equal(x('The answer is 3 * 4 + 1'), '3 * 4 + 1');
    assert.equal(x('the answer was 2x + 3'), '2', 'only after "is" (or a colon)');
    assert.equal(x('The answer is 2x + 3\nand 9'), '2x + 3', 'the line ends the expression');
  });

  it('not when the line holds prose, a question, a segment, a tag, or is longer than 80 characters', () => {
    assert.equal(x('The answer is x so y'), null, 'a short English word');
    assert.equal(x('The answer is 2 apples and 3 pears'), '2');
    assert.equal(x('answer is x ? 5'), '5');
    assert.equal(x('The answer is $x+1$ or so'), 'x+1');
    assert.equal(x(`The answer is ${'1 + '.repeat(19)}x`), `${'1 + '.repeat(19)}x`, '77 characters: the whole line');
    assert.equal(
      x(`The answer is ${'1 + '.repeat(25)}x`),
      `${'1 + '.repeat(24)}1`,
      '101 characters: the arithmetic only',
    );
    assert.equal(x('The answer is 7'), '7', 'a lone number is read as a number');
    assert.equal(x('answer: 35 + 70 = 105'), '105', 'arithmetic before `=` is working');
  });
});

describe('priority 300 and what is plausible as a math answer', () => {
  it('the rightmost math segment or number is the last resort', () => {
    assert.equal(x('We end with 11 apples'), '11');
    assert.equal(x('First $3$ then 4 and $x$ done'), 'x');
    assert.equal(x('First $3$ then $x$ and 4 done'), '4');
    assert.equal(x('ok \\[ \\boxed{5} \\] and 7'), '5', 'a box is read before the last resort');
  });

  it('prose, a question mark, or a long symbolic string without numbers is no math answer', () => {
    assert.equal(x('It is $\\text{very long words here}$ hmm'), null);
    assert.equal(x('result $abc$'), null);
    assert.equal(x('result $ab$'), 'ab');
    assert.equal(x('result $n^2 + more words here$'), null);
    assert.equal(x('result $n^2 + more$'), 'n^2 + more', 'one long word is no prose');
    assert.equal(x('result $\\frac{a}{b}$'), '\\frac{a}{b}');
    assert.equal(x('result $a+b+c+d+e+f+g+h+i+j$'), 'a+b+c+d+e+f+g+h+i+j', '19 characters');
    assert.equal(x('result $a+b+c+d+e+f+g+h+i+jk$'), 'a+b+c+d+e+f+g+h+i+jk', '20 characters');
    assert.equal(x('result $a+b+c+d+e+f+g+h+i+j+k$'), null, '21 characters');
    assert.equal(x('result $x?$ and'), null);
    assert.equal(
      x(`result $${'1+'.repeat(1000)}1$`),
      '1',
      'over 2,000 characters: not the segment but the last number',
    );
    assert.equal(x(`result $${'1+'.repeat(999)}1$`), `${'1+'.repeat(999)}1`);
  });

  it('full-width digits and signs are read as ASCII', () => {
    assert.equal(x('８×８＝64'), '64');
    assert.equal(x('－５ apples'), '-5');
    assert.equal(x('so ＋5 and'), '5');
  });
});

describe('the answer region: template tokens, reasoning, answer tags', () => {
  it('a tag holding a bare answer is the answer as written, without delimiters or bold', () => {
    assert.equal(x('<answer>2x + 3</answer>'), '2x + 3');
    assert.equal(x('<answer>**9**</answer>'), '9');
    assert.equal(x('<answer>$x+1$</answer>'), 'x+1');
    // a tag holding a response is read as one
    assert.equal(x('<answer>The total is 9</answer>'), '9');
    assert.equal(x('<answer>答案 9</answer>'), '9');
    assert.equal(x('<answer>\\boxed{9} so</answer>'), '9');
  });

  it('answerRegion: the text after the last </think>, inside the last answer tag, null while still thinking', () => {
    assert.deepEqual(answerRegion('plain'), { text: 'plain', bare: false });
    assert.deepEqual(answerRegion('<think>a</think>b'), { text: 'b', bare: false });
    assert.equal(answerRegion('<think>a'), null);
    assert.equal(answerRegion('<|channel|>analysis<|message|>still thinking'), null);
    assert.deepEqual(answerRegion('</think><answer>5</answer>'), { text: '5', bare: true });
    assert.deepEqual(answerRegion('</think><answer>so the total is 5</answer>'), {
      text: 'so the total is 5',
      bare: false,
    });
    assert.deepEqual(answerRegion('<answer>\\boxed{5}</answer>'), { text: '\\boxed{5}', bare: false });
  });

  it('bareAnswer removes bold and math delimiters around the whole only', () => {
    assert.equal(bareAnswer('**9**'), '9');
    assert.equal(bareAnswer(' $x+1$ '), 'x+1');
    assert.equal(bareAnswer('**a*b**'), '**a*b**');
    assert.equal(bareAnswer('\\(5\\)'), '5');
    assert.equal(bareAnswer('**$5$**'), '5');
  });

  it('isBareAnswer: no marker, no prose, no Chinese or Japanese text', () => {
    assert.equal(isBareAnswer('2x + 3'), true);
    assert.equal(isBareAnswer('\\boxed{3}'), false);
    assert.equal(isBareAnswer('the total'), false);
    assert.equal(isBareAnswer('答 3'), false);
    assert.equal(isBareAnswer('5 km'), true);
  });

  it('hasProse: English words outside LaTeX text commands, units and and/or excepted', () => {
    for (const s of ['so x', 'is 5', 'The total', 'an 5', 'x = 5 if y', 'deux éléments'])
      assert.equal(hasProse(s), true, s);
    for (const s of [
      'x',
      'word',
      'x = 5',
      'x and y',
      'x or y',
      '5 meters',
      '5 km',
      '\\text{the total} 5',
      '\\textbf{total} 5',
      '\\begin{pmatrix} 1 \\end{pmatrix}',
      '\\frac{1}{2} + \\sqrt{3}',
      'é é',
      'ab 5',
      'am 5',
    ])
      assert.equal(hasProse(s), false, s);
  });

  it('hasCjkText: ideographs or kana in the first 4,000 characters; not punctuation or Hangul', () => {
    assert.equal(hasCjkText('答'), true);
    assert.equal(hasCjkText('ア'), true);
    assert.equal(hasCjkText('ひ'), true);
    assert.equal(hasCjkText('。'), false);
    assert.equal(hasCjkText('한'), false);
    assert.equal(hasCjkText('Ａ'), false);
    assert.equal(hasCjkText(`${'x'.repeat(3999)}答`), true);
    assert.equal(hasCjkText(`${'x'.repeat(4000)}答`), false);
  });

  it('looksLikeResponse: a box, a reasoning or answer marker, or more than 200 characters with a space', () => {
    for (const s of [
      '\\boxed{1}',
      'a</think>',
      '<think>',
      '<answer>',
      '</answer>',
      '<|begin_of_thought|>',
      '<|end_of_solution|>',
      '<solution>',
      '</solution>',
      '</reasoning>',
      'Final Answer',
      'the answer is',
      'answer  is',
      'answer:',
      '####',
      'réponse est',
      'reponse:',
      'Réponse :',
      '答案',
      'x '.repeat(101),
    ])
      assert.equal(looksLikeResponse(s), true, s.slice(0, 30));
    for (const s of ['so 5', '<reasoning>', '答', 'x '.repeat(100), 'x'.repeat(201), 'the answers'])
      assert.equal(looksLikeResponse(s), false, s.slice(0, 30));
  });
});

describe('number, text and choice answers', () => {
  it('a number answer is a plain decimal when it is one, or the one number inside it', () => {
    assert.equal(x('\\boxed{\\$18} per day', 'number'), '18');
    assert.equal(x('She pays \\$18 per day in the end', 'number'), '18');
    assert.equal(x('\\boxed{\\frac{1}{2}}', 'number'), '0.5');
    assert.equal(x('\\boxed{2^{10}}', 'number'), '2^{10}', 'a power is not its base');
    assert.equal(x('\\boxed{\\sqrt{2}}', 'number'), '\\sqrt{2}');
    assert.equal(x('\\boxed{50\\%}', 'number'), '50\\%', 'the percent sign is kept');
    assert.equal(x('\\boxed{x=18}', 'number'), '18');
    assert.equal(x('\\boxed{18 \\text{ eggs}}', 'number'), '18');
    assert.equal(x('\\boxed{1,000}', 'number'), '1000');
    assert.equal(x('\\boxed{2/3 of 9}', 'number'), '9', 'arithmetic inside is not "the one number"');
    assert.equal(x('no number here', 'number'), null);
  });

  it('a text answer: the last box, else after the last "answer is/:" to the end of its sentence, else the last line', () => {
    assert.equal(x('The answer is: **Paris**. Then more', 'text'), 'paris');
    assert.equal(x('My answer: Lyon\nnext', 'text'), 'lyon');
    assert.equal(x('answer is Rome. and answer: Milan. end', 'text'), 'milan');
    assert.equal(x('answer：Nice', 'text'), 'nice');
    assert.equal(x('The answer is Paris', 'text'), 'paris');
    assert.equal(x('The answer is Paris.', 'text'), 'paris');
    assert.equal(x('\\boxed{Rome} but the answer is Paris', 'text'), 'rome');
    assert.equal(x('Some text\nLast line here  \n\n', 'text'), 'last line here');
    assert.equal(x('', 'text'), null);
    assert.equal(x('  \n ', 'text'), null);
    assert.equal(x('<think>answer: Paris', 'text'), null);
    assert.equal(x(`The answer is ${'a'.repeat(400)}`, 'text'), 'a'.repeat(300), 'at most 300 characters');
  });

  it('a choice is read from the answer region', () => {
    assert.equal(x('</think>\n<answer>B</answer>', 'choice'), 'B');
    assert.equal(x('<think>(A) maybe</think> so (C)', 'choice'), 'C');
    assert.equal(x('<think>x', 'choice'), null);
  });
});

describe('edges of the extraction windows and checks', () => {
  it('after an answer word: a number starting 50 characters after it is read, 51 is not', () => {
    const at = (k: number) => x(`The answer${' '.repeat(k)}4 and then 6 more`);
    assert.equal(at(50), '4');
    assert.equal(at(51), '6');
  });

  it('after an answer word: a math segment opening 50 characters after it is read, 51 is not', () => {
    const at = (k: number) => x(`Answer:${' '.repeat(k)}$5$ and 7`);
    assert.equal(at(50), '5');
    assert.equal(at(51), '7');
  });

  it('the number right after `=` is found exactly at its position; an `=` with no number after it gives way to an earlier one', () => {
    assert.equal(x('The answer: total 7 and x = 5'), '5');
    assert.equal(x('The answer: total 7, x = 5 then y = z'), '5');
  });

  it('an expression line is at most 80 characters (without a line break)', () => {
    const line80 = `${'1 + '.repeat(19)}x123`;
    assert.equal(line80.length, 80);
    assert.equal(x(`The answer is ${line80}`), line80);
    assert.equal(x(`The answer is ${line80}4`), `${'1 + '.repeat(18)}1`, '81: the arithmetic only');
    assert.equal(x(`The answer is ${line80}\nmore`), line80);
  });

  it('an expression line holds no box, no `<` or `>` (read as Math-Verify does: the number), no command-only left side of `=`', () => {
    assert.equal(x('Answer: 2x + \\boxed{3'), '2', 'an unclosed box is no box, and the line is not read whole');
    assert.equal(x('The answer is x > 3'), '3');
    assert.equal(x('Answer: 2\\pi = 6.28'), '6.28', '2\\pi before `=` is working: commands are no letters');
    assert.equal(x('The answer is x+y'), 'x+y', 'letters without digits are an expression');
    assert.equal(x('Answer: 2x + 3,'), '2x + 3');
    assert.equal(x('The answer is: 2x + 3'), '2x + 3');
  });

  it('plausible math: 2,000 characters at most; words inside \\text{} are no prose; a box is taken as written', () => {
    const c2000 = `${'1+'.repeat(999)}12`;
    assert.equal(c2000.length, 2000);
    assert.equal(x(`result $${c2000}$`), c2000);
    assert.equal(x('result $5 \\text{apples and pears}$'), '5 \\text{apples and pears}');
    assert.equal(x('result $\\quad$'), null, 'nothing left after normalisation');
    assert.equal(x('\\boxed{very long words} 5'), 'very long words');
    assert.equal(x('\\boxed{} so 5'), '5', 'an empty box gives way');
    assert.equal(x('We get 5 and then $ $'), '5', 'an empty segment gives way');
  });

  it('an empty bare answer in a tag is no answer; a text answer that normalises to nothing is none', () => {
    assert.equal(x('<answer>** **</answer>'), null);
    assert.equal(x('\\boxed{The}', 'text'), null);
  });
});

describe('anchored numbers and sentences (survivors of the Stryker run of lines 52-124)', () => {
  it('a percent segment keeps no spaces inside its value', () => {
    assert.equal(x('We get $ 50 $% here'), '50\\%');
  });

  it('after `=` only a number right there counts; with none, the first number after the answer word, not a later one', () => {
    assert.equal(x('The answer: total 7, y = z and 5'), '7');
  });

  it('a number directly followed by `=` is working; an `=` later in the sentence does not make it so', () => {
    assert.equal(x('The final answer is 5= x and 9'), '9');
    assert.equal(x('The final answer is 5 and x = 3 then 9'), '5');
  });

  it('trailing punctuation and spaces do not start a new last sentence', () => {
    assert.equal(x('On a 2 et 3. Donc 5 est le résultat de 2 fois 3. '), '5');
  });
});

describe('final-answer sentences and expression lines (survivors of the Stryker run of lines 125-226)', () => {
  it('"final answer is" takes any spaces after "is" and its colon, none included', () => {
    assert.equal(x('The final answer is:$7$. I hope it is correct. \\boxed{3}'), '7');
  });

  it('"I hope" may follow the final answer with no space after its period', () => {
    assert.equal(x('The final answer is $7$.I hope it is correct. \\boxed{3}'), '7');
  });

  it('after "answer:" tabs before the expression line are skipped like spaces', () => {
    assert.equal(x('Answer:\t2, 3'), '2, 3');
    assert.equal(x('Answer:\t\t2, 3'), '2, 3');
  });

  it('"the answer is" opens an expression line only with "is" right after the answer word (any spaces, any case, a colon, no space after it)', () => {
    assert.equal(x('The answer  is 2x + 3'), '2x + 3');
    assert.equal(x('The answer is:2x + 3'), '2x + 3');
    assert.equal(x('The answer x is 2x + 3'), '2', 'a word between: not "answer is", the first number');
  });

  it('a list of numbers is the whole line: each number whole, each after a comma and spaces, any number of them', () => {
    assert.equal(x('The answer is 1, 2, 3'), '1, 2, 3');
    assert.equal(x('The answer is 12.55, 13.75'), '12.55, 13.75');
    assert.equal(x('The answer is 2 ,  13'), '2 ,  13');
    assert.equal(x('The answer is either 2, 3'), '2', 'a word before it: prose, the first number');
    assert.equal(x('The answer is 2, 3 pears'), '2', 'a word after it: prose, the first number');
  });

  it('an `=` that opens the line has nothing before it: working, the number after it is read', () => {
    assert.equal(x('Answer: = 2x + 3'), '2');
  });

  it('arithmetic between digits makes a line beyond one number, with or without spaces around the operator', () => {
    assert.equal(x('The answer is |3-4|'), '|3-4|');
    assert.equal(x('The answer is |3 - 4|'), '|3 - 4|');
    assert.equal(x('The answer is |3 -4|'), '|3 -4|');
  });

  it('LaTeX commands count as spaces when words are looked for in an expression line: a short word glued to a digit by one is still a word', () => {
    assert.equal(x('The answer is 3\\cdot so\\cdot2'), '3');
  });
});

describe('what an expression line must hold', () => {
  it('a line of LaTeX commands without digits or letters is an answer (\\pi, an interval of infinities)', () => {
    assert.equal(x('Answer: \\pi'), '\\pi');
    assert.equal(x('The answer is (-\\infty, \\infty)'), '(-\\infty, \\infty)');
    assert.equal(x('The final answer is \\infty'), '\\infty');
  });

  it('a line with no digit, letter or command is not read whole: the number after it is', () => {
    assert.equal(x('Answer: ( )\n7'), '7');
    assert.equal(x('Answer: (^)\n7'), '7');
  });

  it('the expression is the rest of the answer word\'s own line: "Answer:" at a line end reads the number after it', () => {
    assert.equal(x('Answer:\n2x + 3'), '2');
  });
});

describe('plausible math, bare answers, prose, number and text answers (survivors of the Stryker run of lines 227-390)', () => {
  it("plausible math: \\text {…} with a space, an environment's column spec and removed text count as no words", () => {
    assert.equal(x('result $5 \\text {apples and pears}$'), '5 \\text {apples and pears}');
    assert.equal(
      x('result $\\begin{array}{lcr} 1 & 2 & xyz \\end{array}$'),
      '\\begin{array}{lcr} 1 & 2 & xyz \\end{array}',
    );
    assert.equal(x('result $ab\\text{ to }cd + ef\\text{ to }gh$'), 'ab\\text{ to }cd + ef\\text{ to }gh');
  });

  it('plausible math: command names are no words; two words outside commands are prose', () => {
    assert.equal(x('result $\\frac{a}{b} + \\sqrt{c}$'), '\\frac{a}{b} + \\sqrt{c}');
    assert.equal(x('result $n^2 + more words$'), null);
  });

  it('plausible math: a LaTeX command makes a symbolic answer of any length plausible', () => {
    assert.equal(x('result $\\alpha + \\beta + \\gamma + \\delta$'), '\\alpha + \\beta + \\gamma + \\delta');
  });

  it('bareAnswer: spaces around the whole removed before bold is looked for; bold only around the whole', () => {
    assert.equal(bareAnswer(' **9** '), '9');
    assert.equal(bareAnswer('x**9**'), 'x**9**');
    assert.equal(bareAnswer('**9**x'), '**9**x');
  });

  it('hasProse: words separated by any spaces; three-letter words; and/or only as whole words; removed LaTeX (a command too, before an accented letter) counts as a space', () => {
    for (const s of ['so  x', 'x the y', 'x sand y', 'x order y']) assert.equal(hasProse(s), true, s);
    for (const s of [
      '\\begin {pmatrix} 1 \\end {pmatrix}',
      '\\text {the total} 5',
      'x\\text{ and }yz 5',
      'xy\\end{matrix}z 1',
      'x\\cdotéé 5',
    ])
      assert.equal(hasProse(s), false, s);
  });

  it('a number answer: the normalised form, else as written; the one number inside written canonically', () => {
    assert.equal(x('\\boxed{x^{2}}', 'number'), 'x^2');
    assert.equal(x('\\boxed{\\quad}', 'number'), '\\quad', 'nothing left after normalisation: as written');
    assert.equal(x('\\boxed{1.50 each}', 'number'), '1.5');
    assert.equal(x('\\boxed{\\frac{x}{2}}', 'number'), '\\frac{x}{2}', 'a fraction is not its one number');
  });

  it('a text answer: "answer:" directly before it, on a later line, a decimal point inside it, a last line of spaces skipped', () => {
    assert.equal(x('The answer:Paris France', 'text'), 'paris france');
    assert.equal(x('answer:\n\nParis\nmore', 'text'), 'paris');
    assert.equal(x('The answer is 3.5 km', 'text'), '3.5 km');
    assert.equal(x('Paris\n  ', 'text'), 'paris');
  });
});

describe('anchored numbers and the order of candidates (survivors of the Stryker run of lines 1-124)', () => {
  it('after an `=` right after the answer word the number may come after any spaces (Math-Verify `=\\s*`)', () => {
    assert.equal(x(`The answer=${' '.repeat(60)}5 and 7`), '5');
  });

  it('an `=` right after the answer word with no number after it gives way to the first number', () => {
    assert.equal(x('The answer= x, 7'), '7');
  });

  it('only a number right after an `=` is read there, not one before it: else the first number after the answer word', () => {
    assert.equal(x('The answer: 3 and 7, y = z'), '3');
  });

  it('at equal priority and end, the candidate starting first (the whole expression) wins', () => {
    assert.equal(x('The answer is: the answer is x + 5'), 'x + 5');
  });
});
