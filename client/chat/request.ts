// What an @vlm chat request asks about, decided from plain data so it can be tested
// without VS Code: an attached video or image file, attached image bytes (a pasted
// screenshot), or else the stream selected in the Answers view. No vscode import.

/** A chat reference as VS Code passes it: `value` is a Uri, a Location, binary data or text. */
export interface ChatRef {
  id: string;
  name?: string;
  value: unknown;
  /** Where `#file:…` sits in the prompt: removed from the question. */
  range?: [number, number];
}

export interface StreamChoice {
  key: string;
  label: string;
}

export type ChatAsk =
  | { kind: 'file'; media: 'video' | 'image'; uri: string; question: string }
  | {
      kind: 'bytes';
      name: string;
      mimeType: string;
      data: () => PromiseLike<Uint8Array>;
      question: string;
    }
  | { kind: 'stream'; streamKey: string; label: string; question: string }
  | { kind: 'none'; message: string };

export interface MediaExtensions {
  video: readonly string[];
  image: readonly string[];
}

const MAX_QUESTION = 2000;

export function planChatAsk(
  request: { prompt: string; references: readonly ChatRef[] },
  selected: StreamChoice | undefined,
  extensions: MediaExtensions,
): ChatAsk {
  const question = withoutReferences(request.prompt, request.references).trim();
  if (question === '')
    return {
      kind: 'none',
      message: 'Type a question after @vlm, e.g. "@vlm what does the dialog say?"',
    };
  if (question.length > MAX_QUESTION)
    return {
      kind: 'none',
      message: `The question has ${question.length} characters; at most ${MAX_QUESTION}.`,
    };
  for (const ref of request.references) {
    const bytes = binaryData(ref.value);
    if (bytes && bytes.mimeType.startsWith('image/'))
      return { kind: 'bytes', name: ref.name ?? 'attached image', ...bytes, question };
    const uri = uriOf(ref.value);
    if (!uri) continue;
    const ext = uri.path.slice(uri.path.lastIndexOf('.') + 1).toLowerCase();
    if (extensions.video.includes(ext))
      return { kind: 'file', media: 'video', uri: uri.text, question };
    if (extensions.image.includes(ext))
      return { kind: 'file', media: 'image', uri: uri.text, question };
  }
  if (selected) return { kind: 'stream', streamKey: selected.key, label: selected.label, question };
  return {
    kind: 'none',
    message:
      'Nothing to ask about: attach a video or an image (#file, or paste a screenshot), or ask about a file first with VLM: Ask About Video… so it is selected in the Answers view.',
  };
}

function withoutReferences(prompt: string, refs: readonly ChatRef[]): string {
  const ranges = refs
    .map((r) => r.range)
    .filter((r): r is [number, number] => Array.isArray(r))
    .sort((a, b) => b[0] - a[0]);
  let text = prompt;
  for (const [start, end] of ranges) text = text.slice(0, start) + text.slice(end);
  return text.replace(/\s+/g, ' ');
}

/** A vscode.Uri, or a vscode.Location's uri, by shape. */
function uriOf(value: unknown): { path: string; text: string } | undefined {
  const v = value as { scheme?: unknown; path?: unknown; uri?: unknown } | null;
  if (!v || typeof v !== 'object') return undefined;
  if (typeof v.scheme === 'string' && typeof v.path === 'string')
    return { path: v.path, text: String(value) };
  return v.uri ? uriOf(v.uri) : undefined;
}

/** A vscode.ChatReferenceBinaryData, by shape. */
function binaryData(
  value: unknown,
): { mimeType: string; data: () => PromiseLike<Uint8Array> } | undefined {
  const v = value as { mimeType?: unknown; data?: unknown } | null;
  if (!v || typeof v !== 'object') return undefined;
  if (typeof v.mimeType !== 'string' || typeof v.data !== 'function') return undefined;
  const data = v.data as () => PromiseLike<Uint8Array>;
  return { mimeType: v.mimeType, data: () => data.call(v) };
}
