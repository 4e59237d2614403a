// Discovery over real model files made to test pickle scanners (picklescan's samples, see
// $BULWARK_DATA/model-samples/picklescan/SOURCE.md): every pickle-based model must be found as a
// code-executing model asset, and files that are not models must not be registered as models.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { discover } from './index.ts';

const DATA = resolve(import.meta.dirname, '../..', process.env.BULWARK_DATA ?? '../shared/data');
const SAMPLES = join(DATA, 'model-samples', 'picklescan');
// discover does not open 7z archives (bulwark scan does); an encrypted zip hides its members.
const OUT_OF_SCOPE = new Set(['data/malicious1.7z', 'data/benign_password_protected.zip']);

describe('discover on picklescan sample models', {
  skip: !existsSync(SAMPLES) && `no data at ${SAMPLES}`,
}, () => {
  it('finds every labelled model as a code-executing model asset and no non-model as a model', async () => {
    const labels = readFileSync(join(SAMPLES, 'labels.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .filter(([file]) => !OUT_OF_SCOPE.has(file!));
    const res = await discover(SAMPLES);
    const models = new Map(res.assets.filter((a) => a.kind === 'model').map((a) => [a.uri, a]));
    const missed: string[] = [];
    for (const [file, label] of labels) {
      const a = models.get(file!);
      if (label === 'not-a-model') {
        assert.equal(a, undefined, `${file} is not a model`);
        continue;
      }
      if (!a) {
        missed.push(file!);
        continue;
      }
      // NumPy arrays of plain numbers are the only models here that load without running code.
      if (!/int_array/.test(file!)) assert.ok(a.tags.includes('executes-code'), `${file} runs code on load`);
    }
    assert.deepEqual(missed, []);
    const bad = res.findings.find((f) => f.location.path === 'data/bad_pytorch.pt');
    assert.equal(bad?.ruleId, 'discover.artifact.unrecognized-content');
    assert.ok(labels.length > 100);
  });
});
