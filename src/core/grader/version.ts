/** Bump whenever extraction or equivalence behaviour changes (stored verdicts carry it). */
export const GRADER_VERSION = 'w2s-grader/1';
