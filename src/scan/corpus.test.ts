import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Severity, severityRank } from '../core/index.ts';
import { type ScannedFile, scanPaths } from './index.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DATA = resolve(REPO, process.env.BULWARK_DATA ?? '../shared/data');
const PICKLESCAN = join(DATA, 'model-samples', 'picklescan');
const FIXTURES = join(REPO, 'test', 'fixtures', 'scan');

function worst(f: ScannedFile): number {
  return Math.max(-1, ...f.findings.map((x) => severityRank(x.severity)));
}
const rank = (s: Severity) => severityRank(s);

function describeFile(f: ScannedFile): string {
  return `${f.path} [${f.format}]: ${f.findings.map((x) => `${x.severity} ${x.ruleId} ${x.title}`).join(' | ') || 'no findings'}`;
}

describe('public picklescan corpus: every label is met', {
  skip: !existsSync(join(PICKLESCAN, 'labels.csv')) && `no data at ${PICKLESCAN} (set BULWARK_DATA)`,
}, () => {
  it('detects every malicious sample, passes benign ones, reports non-models and unscannable files', async () => {
    const rows = readFileSync(join(PICKLESCAN, 'labels.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',') as [string, string]);
    assert.ok(rows.length >= 100, 'labels.csv lists the corpus');
    const report = await scanPaths(
      rows.map(([f]) => join(PICKLESCAN, f)),
      { hash: false },
    );
    const failures: string[] = [];
    rows.forEach(([file, expected], i) => {
      const f = report.files[i]!;
      const w = worst(f);
      const ok =
        expected === 'malicious'
          ? w >= rank('high')
          : expected === 'benign'
            ? w <= rank('low') && f.scanned
            : expected === 'not-a-model'
              ? !f.scanned && w <= rank('low') && f.findings.some((x) => x.ruleId === 'scan.file.not-a-model')
              : expected === 'unscannable'
                ? f.unscannable && w >= rank('high')
                : false;
      if (!ok) failures.push(`${expected} ${file}: ${describeFile(f)}`);
    });
    assert.deepEqual(failures, []);
  });
});

interface ManifestEntry {
  file: string;
  technique: string;
  expect: 'critical' | 'critical-or-high' | 'high' | 'medium' | 'low' | 'clean';
}

describe('generated samples: every scan-bypasses.md technique and the benign controls', () => {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as ManifestEntry[];

  it('covers every technique id of scan-bypasses.md that the public corpus lacks', () => {
    const techniques = new Set(manifest.map((m) => m.technique));
    // C05 (7z) and C12 (password-protected zip) come from the public corpus, C13 is generated below.
    for (const id of [
      ...Array.from({ length: 18 }, (_, i) => `A${String(i + 1).padStart(2, '0')}`),
      ...Array.from({ length: 14 }, (_, i) => `B${String(i + 1).padStart(2, '0')}`),
      'C01',
      'C02',
      'C03',
      'C04',
      'C06',
      'C07',
      'C08',
      'C09',
      'C10',
      'C11',
      'C14',
      'D01',
      'D02',
      'D03',
      ...Array.from({ length: 11 }, (_, i) => `E${String(i + 1).padStart(2, '0')}`),
    ])
      assert.ok(techniques.has(id), `no generated sample for ${id}`);
  });

  it('flags every malicious sample at its expected severity and none of the benign controls', async () => {
    const report = await scanPaths(
      manifest.map((m) => join(FIXTURES, m.file)),
      { hash: false },
    );
    const failures: string[] = [];
    manifest.forEach((m, i) => {
      const f = report.files[i]!;
      const w = worst(f);
      const need = { critical: 4, 'critical-or-high': 3, high: 3, medium: 2, low: 1, clean: -1 }[m.expect];
      const ok = m.expect === 'clean' ? w <= rank('low') && f.scanned : w >= need;
      if (!ok) failures.push(`${m.technique} expected ${m.expect}: ${describeFile(f)}`);
    });
    assert.deepEqual(failures, []);
  });

  it('reports the resolved callable, its arguments, the member and the offset', async () => {
    const report = await scanPaths([join(FIXTURES, 'malicious', 'C11-zip_in_zip.zip')], { hash: false });
    const f = report.findings.find((x) => x.ruleId === 'scan.pickle.dangerous-callable')!;
    assert.equal(f.evidence.callable, 'os.system');
    assert.deepEqual(f.evidence.args, ['echo bulwark-marker >> /tmp/bulwark-scan-marker']);
    assert.equal(f.location.member, 'outer/model.pt!/archive/data.pkl');
    assert.equal(typeof f.location.offset, 'number');
    assert.ok(f.refs.includes('atlas:AML.T0010.003') && f.refs.includes('atlas:AML.T0011'));
    assert.match(f.remediation, /Do not load/);
  });

  it('reads Keras HDF5 root attributes structurally (superblock v0 and v3, vlen and fixed strings)', async () => {
    const { readRootAttributes } = await import('./formats/hdf5.ts');
    const { MemSource } = await import('./source.ts');
    for (const f of ['E01-keras_lambda.h5', 'E01-keras_lambda_latest_bytes.h5']) {
      const a = readRootAttributes(new MemSource(readFileSync(join(FIXTURES, 'malicious', f))));
      assert.equal(a.attrs.get('keras_version'), '2.11.0');
      assert.match(a.attrs.get('model_config') ?? '', /"class_name": "Lambda"/);
    }
  });

  it('resolves attribute aliases exactly as find_class does', async () => {
    const report = await scanPaths([join(FIXTURES, 'malicious', 'B06-tempfile__os_system.pkl')], {
      hash: false,
    });
    const f = report.findings.find((x) => x.ruleId === 'scan.pickle.dangerous-callable')!;
    assert.equal(f.evidence.callable, 'tempfile._os.system');
    assert.equal(f.evidence.matched, 'os.*');
  });
});
