import { type LinearModel, LinearScorer, scoreText, topWords } from '../linear.ts';
import { model, type ModelId } from '../models.ts';
import type { DetectorResult, GuardContext, GuardInput, StreamingDetector } from '../types.ts';

// Encodings whose raw form means nothing to a model of words and character n-grams, and which it
// misread: the attack sets' only runs of dots and dashes or of 0s and 1s are junk-token suffixes, so any
// Morse or binary text scored 1.00 ("what does .... .. mean?" was blocked), and a benign prompt in hex
// scored as an attack one time in three. The text is scored as a reader sees it, each encoded segment
// replaced by what it says (the decoded views are scored on their own as well). Retraining on encoded
// ordinary prompts instead moved every model and lowered multilingual recall (0.514 → 0.503, measured).
const READ_BACK = new Set([
  'base64',
  'hex',
  'base32',
  'binary',
  'morse',
  'braille',
  'nato',
  'rot13',
  'caesar',
  'atbash',
  'pig-latin',
  'reversed',
  'upside-down',
  'char-codes',
  'escapes',
  'quoted-printable',
  'a1z26',
]);

/** The normalised text with its encoded segments replaced by what they say. */
function readBack(input: GuardInput): string {
  if (input.decoded.length === 0) return input.normalized;
  let out = '';
  let at = 0;
  // In text order (views come in the order of their decoders); an overlapping one keeps the first.
  const views = input.decoded.filter((v) => READ_BACK.has(v.encoding)).sort((a, b) => a.start - b.start);
  for (const v of views) {
    if (v.start < at) continue;
    out += `${input.normalized.slice(at, v.start)} ${v.text} `;
    at = v.end;
  }
  return at === 0 ? input.normalized : out + input.normalized.slice(at);
}

/** The text a model scored for `layer` (as modelScore reports it), for explanations. */
export function layerText(input: GuardInput, layer: string): string {
  if (layer === 'text') return readBack(input);
  return input.decoded.find((v) => v.encoding === layer)?.text ?? input.normalized;
}

/** The model's score on the normalised text and on every decoded layer; the worst one wins. */
export function modelScore(id: ModelId, input: GuardInput): { score: number; layer: string } {
  const key = `model:${id}`;
  const cached = input.memo.get(key);
  const layerKey = `layer:${id}`;
  if (cached !== undefined) return { score: cached, layer: String(input.memo.get(layerKey) ?? 'text') };
  const m = model(id);
  let best = scoreText(m, readBack(input));
  let layer = 'text';
  for (const v of input.decoded) {
    const s = scoreText(m, v.text);
    if (s > best) {
      best = s;
      layer = v.encoding;
    }
  }
  input.memo.set(key, best);
  return { score: best, layer };
}

/** Rescales a model probability so that the model's own threshold maps to 0.5 (policies share one scale). */
export function calibrate(p: number, threshold: number): number {
  if (p >= threshold) return 0.5 + (0.5 * (p - threshold)) / Math.max(1e-9, 1 - threshold);
  return (0.5 * p) / Math.max(1e-9, threshold);
}

export function explainModel(m: LinearModel, text: string): string {
  const top = topWords(m, text, 4);
  return top.length ? `strongest terms: ${top.map((t) => JSON.stringify(t.term)).join(', ')}` : '';
}

/** Streaming form of a model detector: each chunk is scored incrementally (the logit is additive). */
export function streamModel(id: ModelId, label: string, _ctx: GuardContext): StreamingDetector {
  const m = model(id);
  const scorer = new LinearScorer(m);
  let last: DetectorResult = { score: 0, spans: [], explanation: 'nothing yet' };
  const verdict = (p: number): DetectorResult => {
    const score = calibrate(p, m.threshold);
    return { score, spans: [], explanation: `${label} classifier ${score.toFixed(2)} on the text so far` };
  };
  return {
    push(chunk) {
      last = verdict(scorer.push(chunk));
      return last;
    },
    end() {
      return last;
    },
  };
}

const SEGMENT_CHARS = 300;
const SENTENCE_END = /(?<=[.!?。！？])\s+/;

/**
 * A document cut into sentences joined up to ~300 characters, line by line: an instruction planted in
 * an e-mail or a table is usually one sentence, and scoring it on its own keeps the rest of the
 * document from diluting it. The indirect model is trained on exactly these segments.
 */
export function documentSegments(doc: string, max = 400): string[] {
  const out: string[] = [];
  for (const line of doc.split(/\n+/)) {
    if (out.length >= max) break;
    let cur = '';
    for (const part of line.length > SEGMENT_CHARS ? line.split(SENTENCE_END) : [line]) {
      if (cur && cur.length + part.length + 1 > SEGMENT_CHARS) {
        out.push(cur);
        cur = part;
      } else cur = cur ? `${cur} ${part}` : part;
    }
    if (cur.trim().length < 8) continue;
    // A long run without sentence ends (a table row, minified markup) is cut into windows.
    if (cur.length <= 2 * SEGMENT_CHARS) out.push(cur);
    else for (let i = 0; i < cur.length; i += SEGMENT_CHARS) out.push(cur.slice(i, i + SEGMENT_CHARS));
  }
  return out.length > max ? out.slice(0, max) : out;
}
