/** Messages between the request runner (request-pool.ts) and its worker threads (request-worker.ts). */
import type { ClientOptions, CompletionResult, FailureKind, RequestSpec } from './client';

export type RequestWorkerIn =
  | { readonly type: 'request'; readonly id: number; readonly client: ClientOptions; readonly spec: RequestSpec }
  | { readonly type: 'cancel'; readonly id: number };

export interface FailureMessage {
  readonly message: string;
  readonly kind: FailureKind;
  readonly status?: number;
  readonly retryAfterMs?: number;
}

export type RequestWorkerOut =
  | { readonly id: number; readonly result: CompletionResult }
  | { readonly id: number; readonly cancelled: true }
  | { readonly id: number; readonly failure: FailureMessage };
