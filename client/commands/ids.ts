// Command ids and titles, declared once: the manifest is generated from this list and
// client/commands/register.ts registers a handler for each id. No vscode import.
import {
  IMAGE_EXTENSIONS as PROTOCOL_IMAGE_EXTENSIONS,
  VIDEO_EXTENSIONS as PROTOCOL_VIDEO_EXTENSIONS,
} from '../../protocol/protocol';

export interface CommandDefinition {
  id: string;
  title: string;
  /** Shown in the command palette; false for commands that only make sense from a menu. */
  palette?: boolean;
  icon?: string;
}

export const CATEGORY = 'VLM';

export const COMMANDS = {
  askAboutVideo: { id: 'vlm.askAboutVideo', title: 'Ask About Video…' },
  askAboutImage: { id: 'vlm.askAboutImage', title: 'Ask About Image…' },
  openLiveSource: { id: 'vlm.openLiveSource', title: 'Open Live Source…' },
  analyzeScreenshot: { id: 'vlm.analyzeScreenshot', title: 'Analyze Screenshot' },
  pasteScreenshot: { id: 'vlm.pasteScreenshot', title: 'Analyze Screenshot from Clipboard' },
  findTextInVideo: { id: 'vlm.findTextInVideo', title: 'Find Text in Video…' },
  /** Also the target of evidence links: (uri: Uri | string, timeSec: number). */
  showVideoAt: { id: 'vlm.showVideoAt', title: 'Open in Video View…' },
  showCacheDiagnostics: {
    id: 'vlm.showCacheDiagnostics',
    title: 'Show Cache Diagnostics',
    icon: '$(pulse)',
  },
  selectStream: { id: 'vlm.selectStream', title: 'Select Open Stream…' },
  closeStream: { id: 'vlm.closeStream', title: 'Close Stream…' },
  selectModel: { id: 'vlm.selectModel', title: 'Select Model…' },
  downloadModel: { id: 'vlm.downloadModel', title: 'Download Model…' },
  listInstalledModels: { id: 'vlm.listInstalledModels', title: 'List Installed Models' },
  restartServer: { id: 'vlm.restartServer', title: 'Restart Server' },
  showOutput: { id: 'vlm.showOutput', title: 'Show Output' },
  setServerToken: { id: 'vlm.setServerToken', title: 'Set Server Token…' },
  clearServerToken: { id: 'vlm.clearServerToken', title: 'Clear Server Token' },
  setApiKey: { id: 'vlm.setApiKey', title: 'Set API Key…' },
  clearApiKey: { id: 'vlm.clearApiKey', title: 'Clear API Key' },
} as const satisfies Record<string, CommandDefinition>;

/** The engine's media extensions without the dot, as file dialogs and `when` clauses take them. */
const bare = (extensions: readonly string[]) => extensions.map((e) => e.slice(1));
export const VIDEO_EXTENSIONS = bare(PROTOCOL_VIDEO_EXTENSIONS);
export const IMAGE_EXTENSIONS = bare(PROTOCOL_IMAGE_EXTENSIONS);

/** A `when` clause matching files with one of the extensions (case-insensitive). */
export function extensionWhen(extensions: readonly string[]): string {
  return `resourceExtname =~ /^\\.(${extensions.join('|')})$/i`;
}
