import type * as vscode from 'vscode';
import type { StoreService } from '../ui/store-service';
import type { JobFollowers } from './followers';

/** What the job commands share. */
export interface JobsContext {
  readonly stores: StoreService;
  readonly secrets: vscode.SecretStorage;
  readonly memento: vscode.Memento;
  readonly log: vscode.LogOutputChannel;
  readonly followers: JobFollowers;
  readonly runnerDir: string;
  readonly openPanel: (name: string) => void;
}
