import * as vscode from 'vscode';
import { SETTINGS, type SettingKey } from './contributions';

export type { SettingKey } from './contributions';

type Widen<T> = T extends boolean ? boolean : T extends number ? number : T extends string ? string : unknown;
export type SettingValue<K extends SettingKey> = Widen<(typeof SETTINGS)[K]>;

/**
 * The value of one `w2s.*` setting, its default from the one table (ui/contributions.ts). An empty string
 * counts as unset (a cleared text box in the Settings editor writes ""), so the default applies. `scope`:
 * the file a resource-scoped setting is read for.
 */
export function setting<K extends SettingKey>(key: K, scope?: vscode.Uri): SettingValue<K> {
  // a resource-scoped setting (w2s.endpoints) read for a file takes the value of that file's folder
  const value = vscode.workspace.getConfiguration('w2s', scope).get<SettingValue<K>>(key);
  return (value === undefined || value === null || value === '' ? SETTINGS[key] : value) as SettingValue<K>;
}

/** Writes one setting: to the workspace when a folder is open, else to the user's settings. */
export function updateSetting<K extends SettingKey>(key: K, value: SettingValue<K>): Thenable<void> {
  return vscode.workspace
    .getConfiguration('w2s')
    .update(
      key,
      value,
      vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
    );
}
