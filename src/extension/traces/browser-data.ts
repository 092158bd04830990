import { W2sError } from '../../core/errors';
import {
  checkFilter,
  DEFAULT_SORT,
  SORT_KEYS,
  type TraceFilter as CoreFilter,
  type TraceSort as CoreSort,
} from '../../core/curation';
import { isSignalName, SIGNALS } from '../../core/signals';
import type * as P from '../../protocol/traces';

/**
 * The seam between core's curation types and the webviews' protocol copies: what comes from a webview
 * is checked by core (`checkFilter`, the sort keys); what goes to it is assigned to the protocol type,
 * so a change on either side that breaks the other fails to compile here.
 */

export function filterFromWebview(input: unknown): CoreFilter {
  return checkFilter(input, 'filter');
}

export function sortFromWebview(input: unknown): CoreSort {
  if (input === undefined || input === null) return DEFAULT_SORT;
  const s = input as { key?: unknown; desc?: unknown };
  const key = typeof s.key === 'string' ? s.key : '';
  const known =
    (SORT_KEYS as readonly string[]).includes(key) ||
    (key.startsWith('signal:') && isSignalName(key.slice('signal:'.length)));
  if (!known)
    throw new W2sError(`sort: unknown key "${key}" (keys: ${SORT_KEYS.join(', ')}, signal:NAME).`, 'BAD_SORT');
  return { key: key as CoreSort['key'], desc: s.desc === true };
}

/** Core's filter as the protocol's (a compile-time check that the copy still fits). */
export function filterToWebview(f: CoreFilter): P.TraceFilter {
  return f;
}

export function signalInfo(): P.SignalInfo[] {
  return SIGNALS.map((s) => ({
    name: s.name,
    kind: s.kind,
    short: s.short,
    description: s.description,
    facet: s.bit !== null,
  }));
}

export function sortKeys(): string[] {
  return [...SORT_KEYS, ...SIGNALS.map((s) => `signal:${s.name}`)];
}
