// While an ask waits for its video to be encoded: a quick pick that says so and offers to
// answer from what is encoded so far. It closes itself when the wait ends.
import * as vscode from 'vscode';

export const WAIT_LABEL = '$(watch) Wait until it is encoded';
export const ANSWER_NOW_LABEL = '$(zap) Answer from what is encoded so far';

export interface AnswerNowOffer extends vscode.Disposable {
  /** Shows the server's latest progress line, e.g. "Encoding x.mp4: 40% — …". */
  update(message: string): void;
}

export function offerAnswerNow(label: string, answerNow: () => void): AnswerNowOffer {
  const pick = vscode.window.createQuickPick();
  pick.title = `VLM: ${label} is still encoding — the answer follows when it is encoded`;
  pick.placeholder = 'Escape keeps waiting';
  pick.items = [
    { label: WAIT_LABEL, description: 'the answer covers the whole video' },
    { label: ANSWER_NOW_LABEL, description: 'the answer says which part it covers' },
  ];
  // It stays while the user looks elsewhere (the answers view takes focus); the end of the
  // wait closes it.
  pick.ignoreFocusOut = true;
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    pick.dispose();
  };
  pick.onDidAccept(() => {
    if (pick.selectedItems[0]?.label === ANSWER_NOW_LABEL) answerNow();
    dispose();
  });
  pick.onDidHide(dispose);
  pick.show();
  return {
    update: (message) => {
      if (!disposed) pick.title = `VLM: ${message}`;
    },
    dispose,
  };
}
