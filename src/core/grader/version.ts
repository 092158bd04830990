/**
 * Bump whenever extraction or equivalence behaviour changes (stored verdicts carry it; `w2s grade
 * --regrade` re-grades verdicts of any other version and reports how many changed).
 * 2: relations, written-out numbers, several answers, matrices, answers without a box, exact big numbers.
 * 3: answer formats of RL-era templates (answer tags, chat-template tokens, `Answer:` lines, +7, lower-case
 *    choice letters) and mixed numbers, degrees in trig, f(x)= vs y=, glued units, escaped matrices, percent (issue 23).
 * 4: `√x` read as `\sqrt{x}` (it became an unknown `\sqrtx`), and a matrix's scalar factor written with `\cdot` or as
 *    a fraction (`2 \cdot A`, `\frac{1}{2} A`) evaluated like `2A` (both were graded incorrect; issue 25).
 * 5: a `number` answer keeps the rounded-decimal rule (`0.33` ≡ `\frac{1}{3}`, as under `math`); a matrix
 *    expression with a leading sign (`-A`, `-2A`, `+A`) is evaluated; an answer line or sentence whose answer
 *    is only LaTeX commands (`Answer: \pi`, `(-\infty, \infty)`) is read (all three were graded incorrect or
 *    no answer; issue 25).
 */
export const GRADER_VERSION = 'w2s-grader/5';
