// The remote server's token and the OpenAI-compatible server's API key, kept in the
// editor's SecretStorage (the OS keychain) rather than in settings.json, where they would be
// plain text and synced. A token left in settings by an older version is moved here once.
import * as vscode from 'vscode';

export const SECRET_KEYS = {
  /** The `--token` of `vlm serve --socket`, sent first on the socket. */
  serverToken: 'vlm.server.token',
  /** The Bearer key for vlm.remote.baseUrl; the local server gets it as VLM_REMOTE_API_KEY. */
  apiKey: 'vlm.remote.apiKey',
} as const;

export type SecretName = keyof typeof SECRET_KEYS;

export const SECRET_LABELS: Record<SecretName, string> = {
  serverToken: 'server token',
  apiKey: 'API key',
};

export class Secrets {
  constructor(private readonly store: vscode.SecretStorage) {}

  async get(name: SecretName): Promise<string> {
    return (await this.store.get(SECRET_KEYS[name])) ?? '';
  }

  set(name: SecretName, value: string): Thenable<void> {
    return this.store.store(SECRET_KEYS[name], value);
  }

  clear(name: SecretName): Thenable<void> {
    return this.store.delete(SECRET_KEYS[name]);
  }

  /** Fires with the name of a secret of ours that changed (here or in another window). */
  onDidChange(listener: (name: SecretName) => void): vscode.Disposable {
    return this.store.onDidChange((e) => {
      const name = (Object.keys(SECRET_KEYS) as SecretName[]).find((n) => SECRET_KEYS[n] === e.key);
      if (name) listener(name);
    });
  }
}

const TARGETS = [
  vscode.ConfigurationTarget.WorkspaceFolder,
  vscode.ConfigurationTarget.Workspace,
  vscode.ConfigurationTarget.Global,
] as const;

/**
 * Moves a plain-text vlm.server.token from settings into SecretStorage (the most specific
 * value wins, as it did when it was read), removes it from every settings file, and says so
 * once. Returns true when something was moved.
 */
export async function migratePlainToken(
  secrets: Secrets,
  log: Pick<vscode.LogOutputChannel, 'info' | 'warn'>,
): Promise<boolean> {
  const inspected = vscode.workspace.getConfiguration('vlm').inspect<string>('server.token');
  if (!inspected) return false;
  const byTarget = new Map<vscode.ConfigurationTarget, string | undefined>([
    [vscode.ConfigurationTarget.WorkspaceFolder, inspected.workspaceFolderValue],
    [vscode.ConfigurationTarget.Workspace, inspected.workspaceValue],
    [vscode.ConfigurationTarget.Global, inspected.globalValue],
  ]);
  const plain = TARGETS.map((t) => byTarget.get(t)).find((v) => typeof v === 'string' && v);
  if (!plain) return false;
  // A token set with "Set Server Token…" is newer than one left in settings.
  if (!(await secrets.get('serverToken'))) await secrets.set('serverToken', plain);
  for (const target of TARGETS) {
    if (byTarget.get(target) === undefined) continue;
    await vscode.workspace
      .getConfiguration('vlm')
      .update('server.token', undefined, target)
      .then(undefined, (error: Error) =>
        log.warn(`could not remove vlm.server.token from settings: ${error.message}`),
      );
  }
  log.info('moved vlm.server.token from settings into the secret storage');
  void vscode.window.showInformationMessage(
    'VLM: the server token was moved from settings.json into the editor’s secret storage. Change it with "VLM: Set Server Token…".',
  );
  return true;
}

/** "VLM: Set Server Token…" / "VLM: Set API Key…": a password box; empty input keeps the old value. */
export async function promptSecret(secrets: Secrets, name: SecretName): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: `VLM: Set ${name === 'apiKey' ? 'API Key' : 'Server Token'}`,
    prompt:
      name === 'apiKey'
        ? 'The API key of the OpenAI-compatible server in vlm.remote.baseUrl (kept in the secret storage)'
        : 'The token given to `vlm serve --socket PORT --token TOKEN` (kept in the secret storage)',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/\s/.test(v) ? 'No spaces or line breaks' : undefined),
  });
  if (!value) return;
  await secrets.set(name, value);
  void vscode.window.showInformationMessage(`VLM: ${SECRET_LABELS[name]} saved.`);
}

export async function clearSecret(secrets: Secrets, name: SecretName): Promise<void> {
  await secrets.clear(name);
  void vscode.window.showInformationMessage(`VLM: ${SECRET_LABELS[name]} cleared.`);
}
