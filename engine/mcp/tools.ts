// The MCP tools' names, descriptions and JSON input schemas, as clients list them.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { SESSION_LIMITS } from '../session';

const MAX_PATH_CHARS = SESSION_LIMITS.pathChars;
const MAX_QUERY_CHARS = SESSION_LIMITS.textQueryChars;
const MAX_BASE64_CHARS = SESSION_LIMITS.imageBase64Chars;

export const TOOLS: Tool[] = [
  {
    name: 'analyze_screenshot',
    description:
      'Read a screenshot: OCR text and the controls in its pixels. Returns ui: every element in reading order ' +
      'with id, role (button, field, dropdown, checkbox, radio, toggle, tab, menu item, link, icon, text, panel), ' +
      "interactable, box {x, y, w, h} in image pixels (the control's box: its centre is the point to click), " +
      'text, confidence and parent (the id of the panel it sits in, or null); also the text elements with ' +
      'line/block ids. With a query such as "where is the Save button", the best-matching elements, best ' +
      'first. With marks: true, also a PNG of the screenshot with each interactable element boxed and ' +
      'numbered by its id (set-of-marks).',
    inputSchema: {
      type: 'object',
      properties: {
        image_path: {
          type: 'string',
          maxLength: MAX_PATH_CHARS,
          description: 'Path of a PNG, JPEG, WebP, GIF, TIFF or BMP file',
        },
        image_base64: {
          type: 'string',
          maxLength: MAX_BASE64_CHARS,
          description: 'The image bytes, base64 (a data: URL prefix is allowed)',
        },
        query: {
          type: 'string',
          maxLength: MAX_QUERY_CHARS,
          description: 'A label or question to locate, e.g. "where is the Save button"',
        },
        marks: {
          type: 'boolean',
          description:
            'Also return the screenshot with numbered boxes on the interactable elements',
        },
        session: {
          type: 'string',
          maxLength: SESSION_LIMITS.screenSessionNameChars,
          description:
            'Name a session (letters, digits, ".", "_", "-") to make the next screenshot in it cheaper: text ' +
            'that did not change since its last screenshots is not read again, and the result equals a fresh ' +
            'analysis. The result then says what was reused. Sessions expire after 10 minutes idle.',
        },
      },
      additionalProperties: false,
    },
  },
  {
    name: 'find_text_in_video',
    description:
      'When does a text appear in a video (a screen recording, say)? OCR runs on the frames that changed; ' +
      'returns each matching text with the time it first appeared (seconds), the last time it was seen, and its box.',
    inputSchema: {
      type: 'object',
      properties: {
        video_path: {
          type: 'string',
          maxLength: MAX_PATH_CHARS,
          description: 'Path of a video file (MP4, WebM, GIF, ...)',
        },
        query: {
          type: 'string',
          maxLength: MAX_QUERY_CHARS,
          description: "Text to look for, e.g. 'TypeError'",
        },
        limit: {
          type: 'integer',
          minimum: 1,
          maximum: 100,
          description: 'Most hits to return (default 10)',
        },
      },
      required: ['video_path', 'query'],
      additionalProperties: false,
    },
  },
  {
    name: 'video_timeline',
    description:
      'What happens when in a video (a screen recording, say): UI events (a notification, dialog, menu, ' +
      'pop-up or page that appeared or disappeared, with a type guess, confidence, box and the text in it), ' +
      'typed text (start, end, final text), cuts (time, strength) and text tracks (each distinct line of ' +
      'on-screen text with its box, first appearance and when it was gone). Times in seconds.',
    inputSchema: {
      type: 'object',
      properties: {
        video_path: {
          type: 'string',
          maxLength: MAX_PATH_CHARS,
          description: 'Path of a video file (MP4, WebM, GIF, ...)',
        },
        max_tracks: {
          type: 'integer',
          minimum: 1,
          maximum: 100000,
          description: 'Most text tracks to return (default 200)',
        },
      },
      required: ['video_path'],
      additionalProperties: false,
    },
  },
  {
    name: 'ask_video',
    description:
      'Ask a question about a video with the streaming vision-language engine. Returns the answer with ' +
      'evidence (times of the frames it used). Uses VLM_MODEL_DIR, or the built-in reference model, whose ' +
      'generated weights give meaningless answers.',
    inputSchema: {
      type: 'object',
      properties: {
        video_path: {
          type: 'string',
          maxLength: MAX_PATH_CHARS,
          description: 'Path of a video or image file',
        },
        question: { type: 'string', maxLength: SESSION_LIMITS.questionChars },
        max_tokens: {
          type: 'integer',
          minimum: 1,
          maximum: 1024,
          description: 'Most answer tokens (default 128)',
        },
      },
      required: ['video_path', 'question'],
      additionalProperties: false,
    },
  },
];
