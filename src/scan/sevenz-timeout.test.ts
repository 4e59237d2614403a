import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { it } from 'node:test';
import { scanBuffer } from './index.ts';

const DATA = resolve(import.meta.dirname, '../..', process.env.BULWARK_DATA ?? '../shared/data');
const SAMPLE = join(DATA, 'model-samples/picklescan/data/malicious1.7z');

it('a 7z archive that does not decode within the time limit is a limit finding, not a hang', {
  skip: existsSync(SAMPLE) ? false : `no sample at ${SAMPLE}`,
}, async () => {
  const r = await scanBuffer(readFileSync(SAMPLE), 'slow.7z', { limits: { timeMs: 2 } });
  assert.deepEqual(
    r.findings.map((f) => f.ruleId),
    ['scan.file.limit-reached'],
  );
  assert.match(r.findings[0]!.title, /did not decode within the time limit/);
  assert.equal(r.unscannable, true);
});
