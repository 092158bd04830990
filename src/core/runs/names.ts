import { W2sError } from '../errors';

/** Run names are used on the command line and as file names: a conservative alphabet. */
export const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
export const RUN_NAME_RULE = 'letters, digits, ".", "_", "-", ":" or "@" (up to 128, starting with a letter or digit)';

export function checkRunName(name: string): void {
  if (!RUN_NAME.test(name)) throw new W2sError(`"${name}" is not a valid run name: ${RUN_NAME_RULE}.`, 'BAD_NAME');
}

/** A model id as a run-name part: `Qwen/Qwen2.5-Math-1.5B` → `Qwen2.5-Math-1.5B`. */
export function slug(s: string): string {
  return (
    s
      .replace(/^.*\//, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 60) || 'model'
  );
}

/** The name a run gets when none is given, so that repeating the same command resumes it. */
export function defaultRunName(setName: string, model: string, templateName: string): string {
  return `${setName}-${slug(model)}-${templateName}`;
}

/** The name an evaluation run gets when none is given: one run per model, set and sample count. */
export function evalRunName(setName: string, model: string, n: number): string {
  return `eval-${setName}-${slug(model)}${n > 1 ? `-n${n}` : ''}`;
}
