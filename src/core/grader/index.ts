/** Answer grader: extraction, equivalence, a synchronous path and a worker-thread pool. Never imports vscode. */
export type { AnswerType, Verdict, GradeInput, GradeResult, GradeOptions } from './types';
export { GradingTimeout } from './types';
export { GRADER_VERSION } from './version';
export { extractAnswer } from './extract';
export { answersEqual } from './equivalence';
export { gradeResponse, gradePair, type PairResult } from './grade';
export { goldAnswerOf, inferAnswerType } from './gold';
export { createGraderPool, defaultWorkerPath, type GraderPool, type GraderPoolOptions } from './pool';
export { normalizeMath, normalizeText } from './normalize';
