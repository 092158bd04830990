/**
 * An error whose message is meant for the user as is: it names the place (file, line, setting, URL)
 * and what to do. Anything else that escapes is a bug and is reported with its stack.
 */
export class W2sError extends Error {
  constructor(
    message: string,
    readonly code: string = 'W2S_ERROR',
  ) {
    super(message);
    this.name = 'W2sError';
  }
}

export function isW2sError(e: unknown): e is W2sError {
  return e instanceof W2sError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
