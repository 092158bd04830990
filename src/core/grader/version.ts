/**
 * Bump whenever extraction or equivalence behaviour changes (stored verdicts carry it; `w2s grade
 * --regrade` re-grades verdicts of any other version and reports how many changed).
 * 2: relations, written-out numbers, several answers, matrices, answers without a box, exact big numbers.
 */
export const GRADER_VERSION = 'w2s-grader/2';
