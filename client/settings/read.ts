// Reads and validates the `vlm.*` settings from the editor.
import * as vscode from 'vscode';
import { validateSettings, type ValidatedSettings } from './validate';

export function readSettings(): ValidatedSettings {
  const config = vscode.workspace.getConfiguration();
  return validateSettings((key) => config.get(key));
}

/** Shows each settings problem once per distinct message, with a button to the setting. */
export function reportSettingProblems(validated: ValidatedSettings, shown: Set<string>): void {
  for (const problem of validated.problems) {
    if (shown.has(problem.message)) continue;
    shown.add(problem.message);
    void vscode.window
      .showWarningMessage(
        `VLM setting ignored: ${problem.message}. Using the default.`,
        'Open Setting',
      )
      .then((choice) => {
        if (choice)
          void vscode.commands.executeCommand('workbench.action.openSettings', problem.key);
      });
  }
}
