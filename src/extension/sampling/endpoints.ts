import * as vscode from 'vscode';
import { inputStep, pickStep, type StepOf } from '../ui/steps';
import { errorMessage } from '../../core/errors';
import { normalizeBaseUrl, parseEndpointProfiles, type EndpointProfile } from '../../core/sampling/endpoint';
import { noLinks } from '../ui/markdown-text';
import { probeEndpoint } from '../../core/sampling/probe';
import { setting } from '../ui/settings';
import { reportError } from '../ui/report-error';

/** An endpoint chosen for one action: a profile from settings, or a URL typed in (named by the URL). */
export interface ChosenEndpoint extends EndpointProfile {
  readonly fromSettings: boolean;
}

/** The `w2s.endpoints` profiles; with `scope`, as that file's workspace folder sets them. */
export function endpointProfiles(scope?: vscode.Uri): EndpointProfile[] {
  return parseEndpointProfiles(setting('endpoints', scope));
}

/** Keys live in SecretStorage only, keyed by endpoint name; never in settings, the store or the log. */
const secretKey = (endpointName: string) => `w2s.apiKey:${endpointName}`;

export async function apiKeyFor(secrets: vscode.SecretStorage, endpointName: string): Promise<string | undefined> {
  return (await secrets.get(secretKey(endpointName))) || undefined;
}

/** The profile whose base URL is this one (a run stores the URL, not the profile). */
export function profileForUrl(baseUrl: string): EndpointProfile | undefined {
  try {
    return endpointProfiles().find((p) => p.baseUrl === baseUrl);
  } catch {
    return undefined;
  }
}

/**
 * Endpoints typed in before (most recent first) and the last model used at each, kept in VS Code's
 * global state: URLs and model ids only, never keys.
 */
export class EndpointMemory {
  private static readonly RECENT = 'w2s.recentEndpoints';
  private static readonly MODELS = 'w2s.lastModelByEndpoint';
  private static readonly MAX = 8;

  constructor(private readonly state: vscode.Memento) {}

  recent(): string[] {
    return this.state.get<string[]>(EndpointMemory.RECENT, []);
  }

  async rememberEndpoint(baseUrl: string): Promise<void> {
    const next = [baseUrl, ...this.recent().filter((u) => u !== baseUrl)].slice(0, EndpointMemory.MAX);
    await this.state.update(EndpointMemory.RECENT, next);
  }

  lastModel(baseUrl: string): string | undefined {
    return this.state.get<Record<string, string>>(EndpointMemory.MODELS, {})[baseUrl];
  }

  async rememberModel(baseUrl: string, model: string): Promise<void> {
    await this.rememberEndpoint(baseUrl);
    await this.state.update(EndpointMemory.MODELS, {
      ...this.state.get<Record<string, string>>(EndpointMemory.MODELS, {}),
      [baseUrl]: model,
    });
  }
}

/** Configured profiles first, then the endpoints used recently, then a URL box (pre-filled with the last one). */
export async function pickEndpoint(
  memory: EndpointMemory,
  title: string,
  step?: StepOf,
): Promise<ChosenEndpoint | undefined> {
  const profiles = endpointProfiles();
  const recent = memory.recent().filter((u) => !profiles.some((p) => p.baseUrl === u));
  type Item = vscode.QuickPickItem & { profile?: EndpointProfile; action?: 'url' | 'settings' };
  const items: Item[] = [
    ...profiles.map((p): Item => ({
      label: p.name,
      description: p.baseUrl,
      detail: [memory.lastModel(p.baseUrl) ?? p.model, p.api].filter(Boolean).join(' · ') || undefined,
      profile: p,
    })),
    ...(recent.length ? [{ label: 'recently used', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
    ...recent.map((u): Item => ({ label: u, description: memory.lastModel(u), profile: { name: u, baseUrl: u } })),
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: '$(link) Enter a URL…',
      description: 'e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama)',
      action: 'url',
    },
    { label: '$(settings-gear) Edit endpoint profiles…', description: 'w2s.endpoints', action: 'settings' },
  ];
  const pick = await pickStep(items, {
    title,
    ...step,
    placeholder: 'Endpoint (OpenAI-compatible), or type its URL',
    ignoreFocusOut: true,
    matchOnDescription: true,
    // a URL typed into the box is that endpoint (no need to pick "Enter a URL…" first)
    acceptTyped: (v) => {
      if (!/^[a-z][a-z0-9+.-]*:\/\/|^(localhost|\d{1,3}(\.\d{1,3}){3})(:\d+)?(\/|$)/i.test(v)) return undefined;
      try {
        const baseUrl = normalizeBaseUrl(v);
        return { label: baseUrl, profile: { name: baseUrl, baseUrl } };
      } catch {
        return undefined;
      }
    },
  });
  if (!pick) return undefined;
  if (pick.profile) {
    await memory.rememberEndpoint(pick.profile.baseUrl);
    return { ...pick.profile, fromSettings: profiles.includes(pick.profile) };
  }
  if (pick.action === 'settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'w2s.endpoints');
    return undefined;
  }
  const url = await inputStep({
    title,
    ...step,
    prompt: 'Base URL of an OpenAI-compatible server',
    value: memory.recent()[0] ?? 'http://127.0.0.1:8000/v1',
    ignoreFocusOut: true,
    validate: (v) => {
      try {
        normalizeBaseUrl(v);
        return undefined;
      } catch (e) {
        return errorMessage(e);
      }
    },
  });
  if (!url) return undefined;
  const baseUrl = normalizeBaseUrl(url);
  await memory.rememberEndpoint(baseUrl);
  return { name: baseUrl, baseUrl, fromSettings: false };
}

export async function setApiKey(secrets: vscode.SecretStorage, memory: EndpointMemory): Promise<void> {
  const ep = await pickEndpoint(memory, 'W2S: Set API Key', { step: 1, totalSteps: 2 });
  if (!ep) return;
  const value = await inputStep({
    title: `API key for ${ep.name}`,
    step: 2,
    totalSteps: 2,
    prompt: 'Stored in VS Code SecretStorage, never in settings or the W2S store. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  await storeApiKey(secrets, ep.name, value);
  void vscode.window.showInformationMessage(`API key for ${ep.name} ${value.trim() ? 'saved' : 'removed'}.`);
}

/** Saves the key of an endpoint (a profile's name, or a URL) in SecretStorage; an empty one removes it. */
export async function storeApiKey(secrets: vscode.SecretStorage, endpointName: string, key: string): Promise<void> {
  if (key.trim() === '') await secrets.delete(secretKey(endpointName));
  else await secrets.store(secretKey(endpointName), key.trim());
}

/** Lists the models the server offers and sends one short request. */
export async function testEndpoint(
  secrets: vscode.SecretStorage,
  memory: EndpointMemory,
  log: vscode.LogOutputChannel,
): Promise<void> {
  const ep = await pickEndpoint(memory, 'W2S: Test Endpoint');
  if (!ep) return;
  const key = await apiKeyFor(secrets, ep.name);
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `W2S: testing ${ep.baseUrl}`, cancellable: true },
    async (_p, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      try {
        // First the list of models, then one short request to the profile's model (or the first listed).
        const { models, ping } = await probeEndpoint({
          baseUrl: ep.baseUrl,
          apiKey: key,
          signal: controller.signal,
          ping: { model: memory.lastModel(ep.baseUrl) ?? ep.model, api: ep.api, extraBody: ep.extraBody },
        });
        const reply = ping
          ? ` ${ping.model} answered in ${ping.latencyMs} ms: "${ping.text.slice(0, 60)}"${ping.finishReason ? ` (${ping.finishReason})` : ''}.`
          : '';
        const list = models
          ? `${models.length} model(s): ${models.slice(0, 8).join(', ')}${models.length > 8 ? ', …' : ''}.`
          : 'The server does not list models (no GET /models).';
        log.info(`Test ${ep.baseUrl}: ${list}${reply}`);
        void vscode.window.showInformationMessage(noLinks(`${ep.name}: OK. ${list}${reply}`));
      } catch (e) {
        void reportError(log, `testing ${ep.baseUrl} failed`, e, { key });
      }
    },
  );
}
