import type { NotificationType, RequestType } from './messages';

/** The Problem Set webview: a read-only, paged view of one set's problems. */

export interface ProblemView {
  readonly key: string;
  readonly position: number;
  readonly question: string;
  readonly answer: string;
  readonly answerType: string;
  readonly choices: readonly string[] | null;
  readonly metadata: Record<string, unknown>;
}

export interface ProblemSetInit {
  readonly set: string;
  readonly total: number;
  readonly source: string;
  readonly answerTypes: Record<string, number>;
}

/** Extension → webview after `ready`, and whenever the set changes underneath. */
export const ProblemSetInitNotification: NotificationType<ProblemSetInit> = { method: 'problems/init' };

/** Webview → extension: one page of problems in file order. Pages are small; the list is never sent whole. */
export const GetProblemsRequest: RequestType<
  { set: string; offset: number; limit: number; query?: string },
  { problems: ProblemView[]; matched: number }
> = {
  method: 'problems/get',
};
