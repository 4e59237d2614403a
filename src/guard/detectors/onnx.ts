import { readFile } from 'node:fs/promises';
import { BulwarkError } from '../../core/index.ts';
import type { DetectorResult, GuardContext } from '../types.ts';

// Optional transformer classifier (for example an exported DeBERTa or BERT prompt-injection model) run
// locally through onnxruntime-node when a policy points at a model file. Nothing is downloaded: the
// model and its vocabulary are files the user supplies. onnxruntime's run() is asynchronous, so this
// detector runs in `checkInputAsync`, not on the synchronous hot path.

export interface TransformerOptions {
  /** Path to the .onnx file. */
  model: string;
  /** vocab.txt (WordPiece, one token per line) or tokenizer.json (WordPiece or Unigram). */
  vocab: string;
  maxLength?: number;
  /** Index of the "injection" class in the logits; default the last one. */
  positiveIndex?: number;
  lowercase?: boolean;
  /** Long texts are scored in windows of maxLength tokens, at most this many (worst wins). */
  maxChunks?: number;
}

export interface AsyncDetector {
  readonly id: string;
  detect(text: string, ctx: GuardContext): Promise<DetectorResult>;
}

interface Vocab {
  ids: Map<string, number>;
  kind: 'wordpiece' | 'unigram';
  cls: number;
  sep: number;
  unk: number;
  pad: number;
}

async function loadVocab(path: string): Promise<Vocab> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: cannot read vocabulary (${(e as Error).message})`);
  }
  const ids = new Map<string, number>();
  let kind: Vocab['kind'] = 'wordpiece';
  if (path.endsWith('.json')) {
    let model: { type?: string; vocab?: Record<string, number> | [string, number][] };
    try {
      model = (JSON.parse(text) as { model: typeof model }).model;
    } catch (e) {
      throw new BulwarkError('BW_ERR_PARSE', `${path}: not a tokenizer.json (${(e as Error).message})`);
    }
    if (Array.isArray(model?.vocab)) {
      kind = 'unigram';
      for (const [i, [piece]] of model.vocab.entries()) ids.set(piece, i);
    } else if (model?.vocab && typeof model.vocab === 'object') {
      for (const [tok, id] of Object.entries(model.vocab)) ids.set(tok, id);
    } else throw new BulwarkError('BW_ERR_PARSE', `${path}: tokenizer.json has no model.vocab`);
  } else {
    text.split(/\r?\n/).forEach((tok, i) => {
      if (tok) ids.set(tok, i);
    });
  }
  const find = (...names: string[]) => {
    for (const n of names) {
      const id = ids.get(n);
      if (id !== undefined) return id;
    }
    return 0;
  };
  return {
    ids,
    kind,
    cls: find('[CLS]', '<s>', '[BOS]'),
    sep: find('[SEP]', '</s>', '[EOS]'),
    unk: find('[UNK]', '<unk>'),
    pad: find('[PAD]', '<pad>'),
  };
}

/** WordPiece (`##` continuations) or SentencePiece-style (`▁` word starts) greedy longest match. */
export function tokenize(text: string, vocab: Vocab, lowercase: boolean): number[] {
  const words =
    (lowercase ? text.toLowerCase() : text).normalize('NFKC').match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? [];
  const out: number[] = [];
  for (const word of words) {
    let start = 0;
    const pieces: number[] = [];
    while (start < word.length) {
      let end = word.length;
      let found = -1;
      while (end > start) {
        const sub = word.slice(start, end);
        const key =
          vocab.kind === 'wordpiece' ? (start > 0 ? `##${sub}` : sub) : start === 0 ? `▁${sub}` : sub;
        const id =
          vocab.ids.get(key) ?? (vocab.kind === 'unigram' && start === 0 ? vocab.ids.get(sub) : undefined);
        if (id !== undefined) {
          found = id;
          break;
        }
        end--;
      }
      if (found < 0) {
        pieces.length = 0;
        pieces.push(vocab.unk);
        break;
      }
      pieces.push(found);
      start = end;
    }
    out.push(...pieces);
  }
  return out;
}

function softmax(xs: number[]): number[] {
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Loads the model and vocabulary; throws a clear error when onnxruntime-node is not installed. */
export async function createTransformerDetector(options: TransformerOptions): Promise<AsyncDetector> {
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `the transformer detector needs the optional package onnxruntime-node (${(e as Error).message})`,
    );
  }
  const vocab = await loadVocab(options.vocab);
  let session: Awaited<ReturnType<typeof ort.InferenceSession.create>>;
  try {
    session = await ort.InferenceSession.create(options.model, { intraOpNumThreads: 1 });
  } catch (e) {
    throw new BulwarkError(
      'BW_ERR_CONFIG_INVALID',
      `${options.model}: cannot load ONNX model (${(e as Error).message})`,
    );
  }
  const maxLength = options.maxLength ?? 256;
  const maxChunks = options.maxChunks ?? 8;
  const lowercase = options.lowercase ?? vocab.kind === 'wordpiece';

  const scoreIds = async (ids: number[]): Promise<number> => {
    const seq = [vocab.cls, ...ids, vocab.sep];
    const shape = [1, seq.length];
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
    for (const name of session.inputNames) {
      const data =
        name === 'input_ids'
          ? BigInt64Array.from(seq.map(BigInt))
          : name === 'attention_mask'
            ? new BigInt64Array(seq.length).fill(1n)
            : new BigInt64Array(seq.length);
      feeds[name] = new ort.Tensor('int64', data, shape);
    }
    const out = await session.run(feeds);
    const logits = Array.from(out[session.outputNames[0]!]!.data as Float32Array);
    const probs =
      logits.length === 1
        ? [1 - 1 / (1 + Math.exp(-logits[0]!)), 1 / (1 + Math.exp(-logits[0]!))]
        : softmax(logits);
    return probs[options.positiveIndex ?? probs.length - 1]!;
  };

  return {
    id: 'transformer',
    async detect(text) {
      const ids = tokenize(text, vocab, lowercase);
      const window = maxLength - 2;
      let worst = 0;
      let chunks = 0;
      for (let i = 0; i === 0 || (i < ids.length && chunks < maxChunks); i += window) {
        worst = Math.max(worst, await scoreIds(ids.slice(i, i + window)));
        chunks++;
      }
      return {
        score: worst,
        spans: [],
        explanation: `transformer model ${worst.toFixed(2)} (${ids.length} tokens, ${chunks} window(s))`,
      };
    },
  };
}
