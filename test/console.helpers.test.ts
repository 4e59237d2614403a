// The console's pure helpers (path matching, query strings, formatting), run in Node without a browser.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withQuery } from '../web/src/api.ts';
import { fmtBytes, fmtDuration, fmtLocation, shortHash } from '../web/src/format.ts';
import { matchPath } from '../web/src/paths.ts';

describe('console path matching', () => {
  it('matches parameters and decodes them', () => {
    assert.deepEqual(matchPath('/assets/:id', '/assets/a_01J%2Fx'), { id: 'a_01J/x' });
    assert.deepEqual(matchPath('/', '/'), {});
    assert.deepEqual(matchPath('/findings', '/findings/'), {});
  });
  it('refuses other shapes and malformed escapes', () => {
    assert.equal(matchPath('/assets/:id', '/assets'), null);
    assert.equal(matchPath('/assets/:id', '/assets/a/versions'), null);
    assert.equal(matchPath('/assets', '/runs'), null);
    assert.equal(matchPath('/assets/:id', '/assets/%E0%A4%A'), null);
  });
});

describe('console API query strings', () => {
  it('leaves out empty values and joins lists with commas', () => {
    assert.equal(
      withQuery('/api/v1/findings', {
        severity: ['critical', 'high'],
        ruleId: '',
        assetId: undefined,
        limit: 50,
      }),
      '/api/v1/findings?severity=critical%2Chigh&limit=50',
    );
    assert.equal(withQuery('/api/v1/assets', { severity: [], q: null }), '/api/v1/assets');
    assert.equal(withQuery('/api/v1/assets', { q: 'a&b=c' }), '/api/v1/assets?q=a%26b%3Dc');
  });
});

describe('console formatting', () => {
  it('formats sizes, durations and hashes', () => {
    assert.equal(fmtBytes(0), '—');
    assert.equal(fmtBytes(512), '512 B');
    assert.equal(fmtBytes(1536), '1.5 KiB');
    assert.equal(fmtBytes(102_760_448), '98 MiB');
    assert.equal(fmtDuration(12), '12 ms');
    assert.equal(fmtDuration(1500), '1.5 s');
    assert.equal(fmtDuration(125_000), '2 min 5 s');
    assert.equal(shortHash(`sha256:${'ab'.repeat(32)}`, 8), 'abababab…');
  });
  it('puts a finding location on one line', () => {
    assert.equal(
      fmtLocation({ path: 'model.pt', member: 'archive/data.pkl', offset: 1187 }),
      'model.pt › archive/data.pkl @1187',
    );
    assert.equal(fmtLocation({ path: 'train.py', line: 12, column: 4 }), 'train.py:12:4');
    assert.equal(fmtLocation({ row: 7, field: 'email' }), 'row 7 [email]');
    assert.equal(fmtLocation({}), '—');
  });
});
