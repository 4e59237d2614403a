// `npm run bench:guard`: accuracy of the guard detectors on held-out public sets of other origin,
// latency and throughput of the default pipeline on one core, and the train/eval overlap check.
// Baseline in the same run: a keyword matcher (the substring list many gateways ship) for accuracy,
// and a bare regex pass over the same text for latency. Data: BULWARK_DATA (default ../shared/data).
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createGuard, findPii, type PiiEntity } from '../src/guard/index.ts';
import { createLeakDetector, refusalDetector } from '../src/guard/detectors/output.ts';
import { ENCODERS } from '../src/guard/encoders.ts';
import { prepareInput } from '../src/guard/normalize.ts';
import {
  benignPrompts,
  dataRoot,
  evalSets,
  normKey,
  parseCsv,
  trainingCorpora,
} from '../scripts/guard-data.ts';

const ROOT = join(import.meta.dirname, '..');
let root: string;
try {
  root = dataRoot();
} catch (e) {
  console.error(`bench:guard: ${(e as Error).message}`);
  process.exit(2);
}
const E = evalSets(root);

// ---------- accuracy helpers
interface Metrics {
  n: number;
  recall?: number;
  fpr?: number;
  precision?: number;
  f1?: number;
  recallAt1Fpr?: number;
}

function metrics(pos: number[], neg: number[], threshold = 0.5): Metrics {
  const tp = pos.filter((s) => s >= threshold).length;
  const fp = neg.filter((s) => s >= threshold).length;
  const recall = pos.length ? tp / pos.length : undefined;
  const fpr = neg.length ? fp / neg.length : undefined;
  const precision = pos.length && tp + fp ? tp / (tp + fp) : undefined;
  const f1 =
    recall !== undefined && precision !== undefined && recall + precision > 0
      ? (2 * recall * precision) / (recall + precision)
      : undefined;
  let recallAt1Fpr: number | undefined;
  if (pos.length && neg.length) {
    const sorted = [...neg].sort((a, b) => b - a);
    const t = sorted[Math.floor(neg.length * 0.01)]!;
    recallAt1Fpr = pos.filter((s) => s > t).length / pos.length;
  }
  return { n: pos.length + neg.length, recall, fpr, precision, f1, recallAt1Fpr };
}

const KEYWORDS = [
  'ignore previous instructions',
  'ignore all previous',
  'ignore the above',
  'disregard previous',
  'system prompt',
  'jailbreak',
  'dan mode',
  'developer mode',
  'do anything now',
  'forget previous instructions',
];
const keyword = (t: string) => (KEYWORDS.some((k) => t.toLowerCase().includes(k)) ? 1 : 0);

const direct = createGuard({ input: ['injection', 'jailbreak'] });
const withContext = createGuard({ input: ['injection', 'jailbreak', 'secret-probe'] });
const indirect = createGuard({ input: ['indirect'] });
const harmful = createGuard({ input: ['harmful'] });
const maxScore = (d: { scores: Record<string, number | undefined> }) =>
  Math.max(0, ...Object.values(d.scores).map((v) => v ?? 0));

const sDirect = (t: string) => maxScore(direct.checkInput(t));
const sContext = (t: string, sys: string) => maxScore(withContext.checkInput(t, { systemPrompt: sys }));

const benignSets: Record<string, string[]> = {
  'cyberseceval mitre_frr': E.mitreFrr,
  notinject: E.notinject,
  'wildguard benign': E.wildguard,
  'xstest safe': E.xstestSafe,
};
const benignAll = Object.values(benignSets).flat();
const negDirect = benignAll.map(sDirect);
const negKeyword = benignAll.map(keyword);

// A benign prompt sent to an app whose system prompt holds a secret: the secret-probe rule's false positives.
const systems = E.cyberEn.map((r) => r.system);
const negContext = benignAll.map((t, i) => sContext(t, systems[i % systems.length]!));

const rows: { set: string; detector: string; m: Metrics; baseline?: Metrics }[] = [];
const add = (set: string, detector: string, m: Metrics, baseline?: Metrics) =>
  rows.push({ set, detector, m, ...(baseline ? { baseline } : {}) });

add('benign combined (FP)', 'injection+jailbreak', metrics([], negDirect), metrics([], negKeyword));
for (const [name, texts] of Object.entries(benignSets))
  add(
    `  ${name} (FP)`,
    'injection+jailbreak',
    metrics([], texts.map(sDirect)),
    metrics([], texts.map(keyword)),
  );
add('benign combined + secret system prompt (FP)', 'inj+jb+secret-probe', metrics([], negContext));

const cyberEnPos = E.cyberEn.map((r) => sDirect(r.text));
add(
  'cyberseceval PI English',
  'injection+jailbreak',
  metrics(cyberEnPos, negDirect),
  metrics(
    E.cyberEn.map((r) => keyword(r.text)),
    negKeyword,
  ),
);
add(
  'cyberseceval PI English (system prompt in context)',
  'inj+jb+secret-probe',
  metrics(
    E.cyberEn.map((r) => sContext(r.text, r.system)),
    negContext,
  ),
);
const multiPos = E.cyberMulti.map((r) => sDirect(r.text));
add(
  'cyberseceval PI multilingual',
  'injection+jailbreak',
  metrics(multiPos, negDirect),
  metrics(
    E.cyberMulti.map((r) => keyword(r.text)),
    negKeyword,
  ),
);
add(
  'cyberseceval PI multilingual (system prompt in context)',
  'inj+jb+secret-probe',
  metrics(
    E.cyberMulti.map((r) => sContext(r.text, r.system)),
    negContext,
  ),
);

// No translated benign set exists; as a proxy for the context detector's false alarms in other
// languages, each translated attack is paired with the system prompt of another test case in its
// language (a different prompt text). Many pairs are still true probes (a password request meeting
// another password-holding prompt), so this over-counts.
const probeOnly = createGuard({ input: ['secret-probe'] });
const byLanguage: Record<string, typeof E.cyberMulti> = {};
for (const r of E.cyberMulti) {
  byLanguage[r.language] ??= [];
  byLanguage[r.language]!.push(r);
}
let mismatched = 0;
let mismatchedFired = 0;
for (const list of Object.values(byLanguage))
  list.forEach((r, i) => {
    for (let k = 7; k < list.length; k += 37) {
      const other = list[(i + k) % list.length]!;
      if (other.system === r.system) continue;
      mismatched++;
      if ((probeOnly.checkInput(r.text, { systemPrompt: other.system }).scores['secret-probe'] ?? 0) >= 0.5)
        mismatchedFired++;
    }
  });
add("translated attacks with another case's system prompt (secret-probe fires; proxy)", 'secret-probe', {
  n: mismatched,
  fpr: mismatchedFired / mismatched,
});

const perLanguage: Record<string, { n: number; recall: number; recallWithContext: number }> = {};
E.cyberMulti.forEach((r, i) => {
  perLanguage[r.language] ??= { n: 0, recall: 0, recallWithContext: 0 };
  const e = perLanguage[r.language]!;
  e.n++;
  if (multiPos[i]! >= 0.5) e.recall++;
  if (sContext(r.text, r.system) >= 0.5) e.recallWithContext++;
});
for (const e of Object.values(perLanguage)) {
  e.recall /= e.n;
  e.recallWithContext /= e.n;
}

const sIndirect = (t: string) => maxScore(indirect.checkInput(t, { role: 'document' }));
const bipiaPos = E.bipiaTest.filter((r) => r.injected).map((r) => sIndirect(r.text));
const bipiaNeg = E.bipiaTest.filter((r) => !r.injected).map((r) => sIndirect(r.text));
add(
  'BIPIA test (indirect, documents)',
  'indirect',
  metrics(bipiaPos, bipiaNeg),
  metrics(
    E.bipiaTest.filter((r) => r.injected).map((r) => keyword(r.text)),
    E.bipiaTest.filter((r) => !r.injected).map((r) => keyword(r.text)),
  ),
);

const sHarm = (t: string) => maxScore(harmful.checkInput(t));
const harmNeg = [
  ...E.xstestHeldOut.filter((r) => !r.unsafe).map((r) => sHarm(r.text)),
  ...benignAll.filter((_, i) => i % 2 === 0).map(sHarm),
];
add('HarmBench behaviours', 'harmful', metrics(E.harmbench.map(sHarm), harmNeg));
add(
  'XSTest held-out types',
  'harmful',
  metrics(
    E.xstestHeldOut.filter((r) => r.unsafe).map((r) => sHarm(r.text)),
    E.xstestHeldOut.filter((r) => !r.unsafe).map((r) => sHarm(r.text)),
  ),
);

const leakScores = E.leak.map(
  (r) =>
    createLeakDetector({ secrets: [r.secret] }).detect(prepareInput(r.output, { role: 'assistant' })).score,
);
add(
  'tensor-trust prompt_extraction_detection',
  'leak (planted secret)',
  metrics(
    leakScores.filter((_, i) => E.leak[i]!.leaked),
    leakScores.filter((_, i) => !E.leak[i]!.leaked),
  ),
);

const refusal = parseCsv(readFileSync(join(root, 'pyrit-refusal-evals/refusal.csv'), 'utf8'));
const refScores = refusal.map(
  (r) => refusalDetector.detect(prepareInput(r.assistant_response!, { role: 'assistant' })).score,
);
add(
  'pyrit refusal.csv',
  'refusal',
  metrics(
    refScores.filter((_, i) => refusal[i]!.human_score === '1'),
    refScores.filter((_, i) => refusal[i]!.human_score !== '1'),
  ),
);

// ---------- encoded attacks: the same CyberSecEval attacks written out whole in each encoding (the message
// is nothing but the encoded text, as in garak's encoding probes), against benign prompts written the same
// way. The plain row is the reference: an encoding that loses nothing keeps its recall.
const encodedBenign = benignAll.filter((_, i) => i % 4 === 0);
const cyberEnTexts = E.cyberEn.map((r) => r.text);
const encodedRows = [['plain', (t: string) => t] as const, ...Object.entries(ENCODERS)].map(
  ([encoding, encode]) => ({
    encoding,
    ...metrics(
      cyberEnTexts.map((t) => sDirect(encode(t))),
      encodedBenign.map((t) => sDirect(encode(t))),
    ),
    keywordRecall: cyberEnTexts.filter((t) => keyword(encode(t))).length / cyberEnTexts.length,
  }),
);

// ---------- PII on presidio-synth, per entity (overlap match)
const MAP: Record<string, PiiEntity> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'credit-card',
  IBAN_CODE: 'iban',
  US_SSN: 'us-ssn',
  IP_ADDRESS: 'ip-address',
  PERSON: 'person',
  GPE: 'location',
};
const synth = JSON.parse(readFileSync(join(root, 'presidio-synth/synth_dataset_v2.json'), 'utf8')) as {
  full_text: string;
  spans: { entity_type: string; start_position: number; end_position: number }[];
}[];
const pii: Record<string, { tp: number; fp: number; fn: number }> = {};
for (const e of Object.values(MAP)) pii[e] = { tp: 0, fp: 0, fn: 0 };
for (const s of synth) {
  const pred = findPii(s.full_text, { entities: Object.values(MAP) });
  const gold = s.spans
    .filter((g) => MAP[g.entity_type])
    .map((g) => ({ label: MAP[g.entity_type]!, start: g.start_position, end: g.end_position }));
  const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
    a.start < b.end && b.start < a.end;
  for (const g of gold) {
    if (pred.some((p) => p.label === g.label && overlaps(p, g))) pii[g.label]!.tp++;
    else pii[g.label]!.fn++;
  }
  for (const p of pred) if (!gold.some((g) => g.label === p.label && overlaps(p, g))) pii[p.label]!.fp++;
}
const piiRows = Object.entries(pii).map(([entity, c]) => {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return {
    entity,
    support: c.tp + c.fn,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
  };
});

// ---------- train/eval overlap check
const corpora = trainingCorpora(root, Number(process.env.BULWARK_SEED ?? 1337));
const trainKeys = new Set<string>();
const trainPrefixes = new Set<string>();
for (const c of Object.values(corpora)) for (const r of [...c.pos, ...c.neg]) trainKeys.add(normKey(r.text));
const evalList = [
  ...E.cyberEn.map((r) => r.text),
  ...E.cyberMulti.map((r) => r.text),
  ...benignAll,
  ...E.harmbench,
  ...E.xstestHeldOut.map((r) => r.text),
  ...E.bipiaTest.map((r) => r.text),
];
const rawOverlap = evalList.filter((t) => trainKeys.has(normKey(t)));
// The training script drops these before fitting; confirm the committed models say they did.
const card = ['injection', 'indirect', 'harmful'].map(
  (id) =>
    JSON.parse(readFileSync(join(ROOT, 'src/guard/models', `${id}.json`), 'utf8')).metrics.dropped
      .evalOverlap as number,
);
for (const c of Object.values(corpora))
  for (const r of c.pos) trainPrefixes.add(normKey(r.text).slice(0, 80));
const nearPositive = evalList.filter(
  (t) => normKey(t).length >= 80 && trainPrefixes.has(normKey(t).slice(0, 80)),
).length;

// ---------- latency, one core
function corpusOf(size: number, texts: string[], offset: number): string[] {
  const out: string[] = [];
  let i = offset;
  while (out.length < 200) {
    let s = '';
    while (s.length < size) s += `${texts[i++ % texts.length]} `;
    out.push(s.slice(0, size));
  }
  return out;
}
function timeIt(label: string, texts: string[], fn: (t: string) => unknown, iters: number) {
  for (let i = 0; i < 300; i++) fn(texts[i % texts.length]!);
  const lat: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    const t = performance.now();
    fn(texts[i % texts.length]!);
    lat.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  lat.sort((a, b) => a - b);
  const bytes = texts[0]!.length * iters;
  return {
    label,
    p50: lat[Math.floor(iters * 0.5)]!,
    p99: lat[Math.floor(iters * 0.99)]!,
    perSecond: iters / (total / 1000),
    mbPerSecond: bytes / 1e6 / (total / 1000),
  };
}
const guard = createGuard({});
const prompts1k = corpusOf(1024, E.wildguard, 0);
const docs10k = corpusOf(
  10 * 1024,
  E.bipiaTest.filter((r) => !r.injected).map((r) => r.text),
  0,
);
const naive = /ignore (all )?previous instructions|system prompt|jailbreak/i;
const latency = [
  timeIt('baseline: one regex, 1 KB prompt', prompts1k, (t) => naive.test(t), 20000),
  timeIt('default input policy, 1 KB prompt', prompts1k, (t) => guard.checkInput(t), 20000),
  timeIt(
    'default input policy, 10 KB document',
    docs10k,
    (t) => guard.checkInput(t, { role: 'document' }),
    3000,
  ),
  timeIt('default output policy, 1 KB answer', prompts1k, (t) => guard.checkOutput(t), 20000),
  timeIt(
    'PII with names/places (compromise), 1 KB',
    prompts1k,
    (t) => findPii(t, { entities: ['person', 'location'] }),
    500,
  ),
];

// Pathological inputs: one short pattern repeated to 16 and 64 KB, for each pattern that a rule, decoder
// or gate reads in runs (name characters, dots and dashes, digits, entities, letterforms …). A linear
// scan takes ~4x as long on 4x the text; a regular expression that backtracks quadratically, ~16x.
const PATTERNS = [
  '1-',
  'a.',
  'a ',
  'a_',
  'A1',
  'x@',
  'a=',
  ':',
  '\\u',
  '&#',
  '. ',
  '- ',
  'ay ',
  'echo ',
  'ɐ',
  '🔥a',
  'a/',
  '%2',
  '12 ',
  '0',
  '01 ',
  'a, ',
  'Ab9',
  '=4',
  '[at] ',
  'a dot ',
  'ᴀ',
  'a\n',
  '<b>a</b> ',
  "'",
  '+1 ',
  '1.',
  'a-b ',
  'http://a',
  'ö ',
];
const pathological = PATTERNS.map((p) => {
  const run = (bytes: number, role: 'user' | 'document') => {
    const t = p.repeat(Math.ceil(bytes / p.length));
    const t0 = performance.now();
    guard.checkInput(t, { role });
    guard.checkOutput(t);
    return performance.now() - t0;
  };
  run(16_000, 'user');
  const small = run(16_000, 'user') + run(16_000, 'document');
  const big = run(64_000, 'user') + run(64_000, 'document');
  return { pattern: p, ms16k: small, ms64k: big, ratio: big / Math.max(small, 0.5) };
}).sort((a, b) => b.ms64k - a.ms64k);

// Measured after the latency runs so that this 130k-prompt loop does not disturb their timings.
// secret-probe is rules, not a model: the benign training prompts (130k, many domains) are a fair,
// larger sample of its false alarms, each paired with one of the CyberSecEval system prompts in turn.
const benignTrain = benignPrompts(root);
let trainFired = 0;
benignTrain.forEach((r, i) => {
  const d = probeOnly.checkInput(r.text, { systemPrompt: systems[i % systems.length]! });
  if ((d.scores['secret-probe'] ?? 0) >= 0.5) trainFired++;
});
rows.splice(rows.findIndex((r) => r.set.startsWith('translated attacks')) + 1, 0, {
  set: 'benign training prompts + CyberSecEval system prompt (FP)',
  detector: 'secret-probe',
  m: { n: benignTrain.length, fpr: trainFired / benignTrain.length },
});

// ---------- print
const f = (x: number | undefined, d = 3) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
console.log('\nAccuracy (threshold 0.5 on the calibrated score; keyword baseline in brackets)\n');
console.log('set | detector | n | recall | FPR | precision | F1 | recall@1%FPR');
for (const r of rows) {
  const b = r.baseline;
  const br = (x: number | undefined, y: number | undefined) => `${f(x)}${b ? ` [${f(y)}]` : ''}`;
  console.log(
    `${r.set} | ${r.detector} | ${r.m.n} | ${br(r.m.recall, b?.recall)} | ${br(r.m.fpr, b?.fpr)} | ${f(r.m.precision)} | ${f(r.m.f1)} | ${f(r.m.recallAt1Fpr)}`,
  );
}
console.log(
  `\nEncoded attacks: CyberSecEval English attacks (n=${cyberEnTexts.length}) and benign prompts (n=${encodedBenign.length}) each written whole in one encoding (injection+jailbreak; keyword baseline in brackets)\n\nencoding | recall | FPR`,
);
for (const r of encodedRows)
  console.log(`${r.encoding} | ${f(r.recall)} [${f(r.keywordRecall)}] | ${f(r.fpr)}`);
console.log('\nMultilingual recall by language (without / with system prompt)');
console.log(
  Object.entries(perLanguage)
    .map(([l, e]) => `${l} ${f(e.recall, 2)}/${f(e.recallWithContext, 2)} (n=${e.n})`)
    .join(', '),
);
console.log(
  '\nPII, presidio-synth (per entity, overlap match)\n\nentity | support | precision | recall | F1',
);
for (const p of piiRows)
  console.log(`${p.entity} | ${p.support} | ${f(p.precision)} | ${f(p.recall)} | ${f(p.f1)}`);
console.log(
  `\nLatency, one core (ms per request; load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)\n\ncase | p50 | p99 | req/s | MB/s | p50 vs baseline`,
);
for (const l of latency)
  console.log(
    `${l.label} | ${f(l.p50, 4)} | ${f(l.p99, 4)} | ${l.perSecond.toFixed(0)} | ${f(l.mbPerSecond, 1)} | ${(l.p50 / latency[0]!.p50).toFixed(0)}x`,
  );
const worst = pathological[0]!;
const steepest = [...pathological].sort((a, b) => b.ratio - a.ratio)[0]!;
console.log(
  `\nPathological inputs (${PATTERNS.length} patterns repeated to 16 and 64 KB; input, document and output checks): slowest at 64 KB ${JSON.stringify(worst.pattern)} ${f(worst.ms64k, 1)} ms (16 KB ${f(worst.ms16k, 1)} ms); steepest growth ${JSON.stringify(steepest.pattern)} ${f(steepest.ratio, 1)}x for 4x the text (linear 4x, quadratic 16x)`,
);
console.log(
  `\nTrain/eval overlap: ${rawOverlap.length} evaluation texts also in the raw training sources, dropped before training (models report ${card.join('/')} dropped); ${nearPositive} evaluation texts share an 80-character prefix with a training positive.`,
);
const exact = rawOverlap.length === 0 || card.every((c) => c > 0) ? 'ok' : 'FAILED';
console.log(`overlap check: ${exact}`);

let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
} catch {}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
writeFileSync(
  join(ROOT, 'bench/results/guard.json'),
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        memoryBytes: totalmem(),
        loadAverage: loadavg(),
        node: process.version,
      },
      commit,
      accuracy: rows,
      encodedAttacks: encodedRows,
      pathological,
      multilingualByLanguage: perLanguage,
      pii: piiRows,
      latency,
      overlap: {
        rawOverlap: rawOverlap.length,
        droppedByTraining: card,
        nearPositivePrefix: nearPositive,
        check: exact,
      },
    },
    null,
    2,
  )}\n`,
);
if (exact !== 'ok') process.exit(1);
