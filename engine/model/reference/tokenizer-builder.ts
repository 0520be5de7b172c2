// A byte-level BPE tokenizer in the Hugging Face tokenizers format (tokenizer.json), laid out
// like SmolVLM's: <|endoftext|>, <|im_start|>, <|im_end|> at ids 0-2, then the 256 byte
// tokens and the merges; the last 128 ids are SmolVLM's added tokens (<global-img> first,
// the <row_R_col_C> markers, <fake_token_around_image>, <image>, reserved tokens, and
// <end_of_utterance> last). With vocab 49280 the ids are SmolVLM-256M's own.
// Merges are learned from a small built-in corpus (so English text tokenizes into
// plausible pieces), then filled with systematic merges until the vocabulary is full.

export interface SpecialTokens {
  endOfText: number;
  imStart: number;
  imEnd: number;
  globalImage: number;
  fakeTokenAroundImage: number;
  image: number;
  endOfUtterance: number;
}

export interface BuiltTokenizer {
  /** tokenizer.json as an object. */
  json: Record<string, unknown>;
  special: SpecialTokens;
  /** id -> content of every added (special) token. */
  addedTokens: Map<number, string>;
}

const ADDED_TOKENS_AT_END = 128;
const MAX_GRID = 6;

const CORPUS = `
The user opened a screen recording of a bug. The button on the left side of the window does not
respond when the mouse clicks it. What is shown on the screen at this time? The editor shows a
file with a function that returns the wrong value. A dialog asks whether to save the changes.
Where is the Save button? It is at the bottom right of the dialog, next to the Cancel button.
The terminal prints an error message: cannot read property of undefined. The test failed after
the last change. Describe the image. A chart with three lines, a title, and a legend in the top
corner. The video starts with a black frame, then the desktop appears with two open windows.
Read the text in the screenshot. Settings, Profile, Log out. The page has a search box and a list
of results. Click the first result to open it. The camera shows a person in a room with a table.
Question: what happened before the error? Answer: the user typed a command and pressed enter.
System: you are a helpful assistant that answers questions about images and videos.
User: what is in this picture? Assistant: a cat sitting on a keyboard in front of a monitor.
`;

/** GPT-2's byte-to-unicode table: printable bytes map to themselves, the rest to U+0100 and up. */
function byteToUnicode(): string[] {
  const printable: number[] = [];
  for (let b = 33; b <= 126; b++) printable.push(b);
  for (let b = 161; b <= 172; b++) printable.push(b);
  for (let b = 174; b <= 255; b++) printable.push(b);
  const table: string[] = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    table[b] = printable.includes(b) ? String.fromCharCode(b) : String.fromCharCode(256 + extra++);
  }
  return table;
}

/** The ByteLevel pre-tokenizer's split (GPT-2 pattern). */
const PRE_TOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

function corpusWords(bytes: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  const encoder = new TextEncoder();
  for (const piece of CORPUS.match(PRE_TOKENIZE) ?? []) {
    const word = Array.from(encoder.encode(piece), (b) => bytes[b]).join('\u0000');
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** Learns up to `limit` merges (most frequent pair first, ties by the pair's text). */
function learnMerges(bytes: string[], limit: number): [string, string][] {
  let words = [...corpusWords(bytes)].map(([w, n]) => ({ symbols: w.split('\u0000'), count: n }));
  const merges: [string, string][] = [];
  while (merges.length < limit) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]}\u0000${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, count] of pairs) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (!best) break;
    const [a, b] = best.split('\u0000');
    merges.push([a, b]);
    words = words.map(({ symbols, count }) => {
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(symbols[i]);
      }
      return { symbols: merged, count };
    });
  }
  return merges;
}

/** Systematic merges (two, then three characters) until `count` more tokens exist. */
function* fillerMerges(bytes: string[]): Generator<[string, string]> {
  const chars = [
    'Ġ',
    ...'etaoinshrdlucmfwypvbgkjqxz',
    ...'ETAOINSHRDLUCMFWYPVBGKJQXZ',
    ...'0123456789.,:;!?-_()[]{}/\'"',
  ].map((c) => (c === 'Ġ' ? bytes[32] : c));
  for (const a of chars) for (const b of chars) yield [a, b];
  for (const a of chars) for (const b of chars) for (const c of chars) yield [a + b, c];
  for (const a of chars)
    for (const b of chars) for (const c of chars) for (const d of chars) yield [a + b + c, d];
}

function addedTokenNames(): string[] {
  const names = ['<global-img>'];
  for (let r = 1; r <= MAX_GRID; r++)
    for (let c = 1; c <= MAX_GRID; c++) names.push(`<row_${r}_col_${c}>`);
  names.push('<fake_token_around_image>', '<image>');
  while (names.length < ADDED_TOKENS_AT_END - 1) {
    names.push(`<|reserved_special_token_${names.length - 39}|>`);
  }
  names.push('<end_of_utterance>');
  return names;
}

function addedTokenEntry(id: number, content: string) {
  return {
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  };
}

/**
 * A byte-level BPE vocabulary of exactly `size` ids: `leading` tokens first, then the 256
 * byte tokens, then merges (learned from the corpus, then systematic ones).
 */
export function bpeVocabulary(
  size: number,
  leading: readonly string[],
): { vocab: Map<string, number>; merges: [string, string][] } {
  const mergeCount = size - leading.length - 256;
  if (mergeCount < 0)
    throw new Error(`vocabulary of ${size} ids is too small for a byte-level BPE vocabulary`);
  const bytes = byteToUnicode();
  const vocab = new Map<string, number>();
  leading.forEach((token) => vocab.set(token, vocab.size));
  for (const char of [...bytes].sort()) vocab.set(char, vocab.size);

  const merges: [string, string][] = [];
  const addMerge = ([a, b]: [string, string]) => {
    if (!vocab.has(a) || !vocab.has(b) || vocab.has(a + b)) return;
    merges.push([a, b]);
    vocab.set(a + b, vocab.size);
  };
  learnMerges(bytes, mergeCount).forEach(addMerge);
  for (const merge of fillerMerges(bytes)) {
    if (merges.length >= mergeCount) break;
    addMerge(merge);
  }
  return { vocab, merges };
}

/** tokenizer.json with a ByteLevel pre-tokenizer, post-processor and decoder around a BPE model. */
export function byteLevelTokenizerJson(
  vocab: Map<string, number>,
  merges: [string, string][],
  addedTokens: Map<number, string>,
): Record<string, unknown> {
  const byteLevel = {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: true,
    use_regex: true,
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...addedTokens].map(([tokenId, content]) => addedTokenEntry(tokenId, content)),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges,
    },
  };
}

/** Builds tokenizer.json for a vocabulary of exactly `vocabSize` ids. */
export function buildTokenizer(vocabSize: number): BuiltTokenizer {
  const leading = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
  const base = vocabSize - ADDED_TOKENS_AT_END;
  if (base - leading.length - 256 < 0)
    throw new Error(`vocab_size ${vocabSize} is too small for a byte-level BPE vocabulary`);
  const { vocab, merges } = bpeVocabulary(base, leading);

  const addedTokens = new Map<number, string>();
  leading.forEach((token, id) => addedTokens.set(id, token));
  addedTokenNames().forEach((token, i) => addedTokens.set(base + i, token));
  const id = (token: string) => [...addedTokens].find(([, t]) => t === token)![0];

  return {
    json: byteLevelTokenizerJson(vocab, merges, addedTokens),
    addedTokens,
    special: {
      endOfText: 0,
      imStart: 1,
      imEnd: 2,
      globalImage: id('<global-img>'),
      fakeTokenAroundImage: id('<fake_token_around_image>'),
      image: id('<image>'),
      endOfUtterance: id('<end_of_utterance>'),
    },
  };
}
