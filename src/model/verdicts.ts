/**
 * Verdicts, once. A grade (one row of `grades`, whose CHECK constraint holds the same four) is one of
 * GRADE_VERDICTS; a trace as filters, counts and the UI see it is graded with one of them or `ungraded`
 * (no grade yet). Display and sort order is the order of VERDICTS.
 */
export const GRADE_VERDICTS = ['correct', 'incorrect', 'no-answer', 'error'] as const;
export type GradeVerdict = (typeof GRADE_VERDICTS)[number];

export const VERDICTS = [...GRADE_VERDICTS, 'ungraded'] as const;
export type Verdict = (typeof VERDICTS)[number];
