/**
 * The per-problem estimators W2SR reports (eval/eval_passk.py and eval/eval_majork.py in the paper's
 * code, Eureka-Maggie/GLOW): pass@k by the unbiased estimator of Chen et al. (2021, "Evaluating Large
 * Language Models Trained on Code", eq. 1), and maj@k by plurality vote over the first k answers.
 */

/**
 * Unbiased pass@k for one problem with n samples of which c are correct: 1 − C(n−c, k) / C(n, k), the
 * chance that k samples drawn without replacement include a correct one. Computed as a running product
 * (Chen et al.'s numerically stable form) so that n in the thousands never overflows a binomial.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (
    !(Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k)) ||
    n < 1 ||
    c < 0 ||
    c > n ||
    k < 1 ||
    k > n
  ) {
    throw new RangeError(`pass@k needs integers 0 ≤ c ≤ n and 1 ≤ k ≤ n (got n=${n}, c=${c}, k=${k})`);
  }
  if (n - c < k) return 1;
  // C(n−c, k) / C(n, k) = Π_{i=n−c+1}^{n} (1 − k / i)
  let miss = 1;
  for (let i = n - c + 1; i <= n; i++) miss *= 1 - k / i;
  return 1 - miss;
}

export interface Vote {
  /** The extracted answer (null when the sample gave none). */
  readonly answer: string | null;
  readonly correct: boolean;
}

/**
 * maj@k for one problem: the most frequent answer among the first k samples decides. As in W2SR's
 * `group_pred(strip=False, use_symbol=False)`, answers are grouped by their exact extracted text, and a tie
 * goes to the answer that appeared first (Python's `Counter.most_common` keeps insertion order among equal
 * counts). The problem counts as solved when that answer's first sample was graded correct. A sample with
 * no answer votes for "no answer", as W2SR's empty extraction does, so a model that mostly fails to answer
 * is not rescued by one lucky box. With `same` (voting by equivalent answers, the grader deciding), "1/2"
 * and "0.5" are one vote instead of two.
 */
export function majorityVote(
  votes: readonly Vote[],
  k: number = votes.length,
  same?: (a: string, b: string) => boolean,
): { answer: string | null; correct: boolean; count: number } {
  if (!(Number.isInteger(k) && k >= 1 && k <= votes.length))
    throw new RangeError(`maj@k needs 1 ≤ k ≤ ${votes.length} (got ${k})`);
  const groups: { first: number; count: number }[] = [];
  const byText = new Map<string, { first: number; count: number }>();
  const keyOf = (a: string | null) => (a === null ? '\u0000none' : `=${a}`);
  for (let i = 0; i < k; i++) {
    const v = votes[i]!;
    let g = byText.get(keyOf(v.answer));
    // Voting by equivalence: an answer joins the first group whose answer the grader finds equal to it.
    // Two answers graded correct both equal the gold answer, so they are one group without asking again.
    if (!g && same && v.answer !== null) {
      g = groups.find((x) => {
        const w = votes[x.first]!;
        return w.answer !== null && ((w.correct && v.correct) || same(w.answer, v.answer!));
      });
      if (g) byText.set(keyOf(v.answer), g);
    }
    if (g) g.count++;
    else {
      g = { first: i, count: 1 };
      groups.push(g);
      byText.set(keyOf(v.answer), g);
    }
  }
  let best: { first: number; count: number } | undefined;
  // Groups are in order of first appearance: a later group wins only with strictly more votes.
  for (const g of groups) if (!best || g.count > best.count) best = g;
  const winner = votes[best!.first]!;
  return { answer: winner.answer, correct: winner.correct, count: best!.count };
}

/** The k values reported for n samples per problem: 1, 2, 4, … up to n, and n itself. */
export function reportedKs(n: number): number[] {
  const ks: number[] = [];
  for (let k = 1; k <= n; k *= 2) ks.push(k);
  if (ks[ks.length - 1] !== n) ks.push(n);
  return ks;
}

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
