// The manifest's `contributes` and `activationEvents`, generated from the command and
// setting tables. `npx tsx scripts/write-manifest.ts` writes them into package.json; a unit
// test fails when package.json and this module disagree.
import {
  CATEGORY,
  COMMANDS,
  IMAGE_EXTENSIONS,
  VIDEO_EXTENSIONS,
  extensionWhen,
} from '../commands/ids';
import { configurationContribution } from '../settings/definitions';

export const ANSWERS_VIEW_ID = 'vlm.answers';
export const VIEW_CONTAINER_ID = 'vlm';
export const DIAGNOSTICS_VIEW_TYPE = 'vlm.diagnostics';
export const SCREENSHOT_TOOL_NAME = 'vlm_analyze_screenshot';
export const VIDEO_TOOL_NAME = 'vlm_ask_video';
export const CHAT_PARTICIPANT_ID = 'vlm.chat';
export const VIDEO_VIEW_TYPE = 'vlm.videoView';
export const SCREENSHOT_VIEW_TYPE = 'vlm.screenshotView';

export function activationEvents(): string[] {
  return [
    `onWebviewPanel:${DIAGNOSTICS_VIEW_TYPE}`,
    `onLanguageModelTool:${SCREENSHOT_TOOL_NAME}`,
    `onLanguageModelTool:${VIDEO_TOOL_NAME}`,
    `onChatParticipant:${CHAT_PARTICIPANT_ID}`,
    // Media links in Markdown get their code lenses and hovers before any VLM command ran.
    'onLanguage:markdown',
    `onCustomEditor:${VIDEO_VIEW_TYPE}`,
    `onCommand:${COMMANDS.showVideoAt.id}`,
  ];
}

export function contributes(): Record<string, unknown> {
  const video = extensionWhen(VIDEO_EXTENSIONS);
  const image = extensionWhen(IMAGE_EXTENSIONS);
  return {
    commands: Object.values(COMMANDS).map((c) => ({
      command: c.id,
      title: c.title,
      category: CATEGORY,
      ...('icon' in c ? { icon: c.icon } : {}),
    })),
    menus: {
      'explorer/context': [
        {
          command: COMMANDS.askAboutVideo.id,
          when: `!explorerResourceIsFolder && ${video}`,
          group: 'vlm@1',
        },
        {
          command: COMMANDS.findTextInVideo.id,
          when: `!explorerResourceIsFolder && ${video}`,
          group: 'vlm@2',
        },
        {
          command: COMMANDS.askAboutImage.id,
          when: `!explorerResourceIsFolder && ${image}`,
          group: 'vlm@3',
        },
        {
          command: COMMANDS.analyzeScreenshot.id,
          when: `!explorerResourceIsFolder && ${image}`,
          group: 'vlm@4',
        },
        {
          command: COMMANDS.showVideoAt.id,
          when: `!explorerResourceIsFolder && ${video}`,
          group: 'vlm@5',
        },
      ],
      'editor/title/context': [
        { command: COMMANDS.askAboutVideo.id, when: video, group: 'vlm@1' },
        { command: COMMANDS.askAboutImage.id, when: image, group: 'vlm@2' },
      ],
      'view/title': [
        {
          command: COMMANDS.showCacheDiagnostics.id,
          when: `view == ${ANSWERS_VIEW_ID}`,
          group: 'navigation',
        },
      ],
    },
    customEditors: [
      {
        viewType: VIDEO_VIEW_TYPE,
        displayName: 'VLM Video',
        // 'option': listed under Open With…, never replacing the default editor of a video.
        priority: 'option',
        selector: VIDEO_EXTENSIONS.map((e) => ({ filenamePattern: `*.${e}` })),
      },
    ],
    viewsContainers: {
      activitybar: [{ id: VIEW_CONTAINER_ID, title: 'VLM', icon: 'media/vlm.svg' }],
    },
    views: {
      [VIEW_CONTAINER_ID]: [{ type: 'webview', id: ANSWERS_VIEW_ID, name: 'Answers' }],
    },
    configuration: configurationContribution(),
    chatParticipants: [
      {
        id: CHAT_PARTICIPANT_ID,
        name: 'vlm',
        fullName: 'VLM',
        description: 'Ask about the selected video, or an attached video or screenshot',
        isSticky: true,
      },
    ],
    languageModelTools: [
      {
        name: SCREENSHOT_TOOL_NAME,
        displayName: 'Analyze Screenshot',
        toolReferenceName: 'screenshot',
        canBeReferencedInPrompt: true,
        icon: '$(device-camera)',
        userDescription:
          'Read the text elements of a screenshot, with their boxes, or find one element.',
        modelDescription:
          'Reads a screenshot image file with local OCR and returns its text elements, each with a pixel box (x, y, width, height) and a confidence. With a query (e.g. "Save button"), also returns the best matching elements first. Use it to find where something is on screen or what a dialog says.',
        inputSchema: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description: 'Absolute path of a PNG, JPEG, WebP or GIF screenshot.',
            },
            query: {
              type: 'string',
              description: 'Optional text or element to find, e.g. "Save button".',
            },
            session: {
              type: 'string',
              maxLength: 64,
              description:
                'Optional session name (letters, digits, ".", "_", "-"). Give the same name for each screenshot of one task: text unchanged since the last screenshots is not read again, and the result is the same as without a session.',
            },
          },
          required: ['path'],
        },
      },
      {
        name: VIDEO_TOOL_NAME,
        displayName: 'Ask About Video',
        toolReferenceName: 'video',
        canBeReferencedInPrompt: true,
        icon: '$(device-camera-video)',
        userDescription: 'Ask a question about a video file; answers with timestamped evidence.',
        modelDescription:
          'Answers a question about a local video file (a screen recording, a bug repro, a tutorial) with a vision-language model, and lists the evidence: frame times, why each frame was chosen (retrieved, recent, text, time) and the on-screen text. Use it to find when something happens in a recording or what it shows.',
        inputSchema: {
          type: 'object',
          properties: {
            path: {
              type: 'string',
              description: 'Absolute path of the video file (mp4, webm, mkv, mov, …).',
            },
            question: {
              type: 'string',
              description: 'The question, e.g. "When does the error dialog appear?"',
            },
          },
          required: ['path', 'question'],
        },
      },
    ],
  };
}
