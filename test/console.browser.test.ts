// End-to-end test of the web console in real headless Chromium against a real server and store:
// sign in (a wrong key first), see an asset, open it, see and filter its findings, verify the audit
// chain, and check that a viewer key gets neither the admin page nor a session after revocation.
// scripts/test.js runs it only where Chromium exists and passes its path in BULWARK_CHROMIUM.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { buildConsole, CHROMIUM, launchChromium, shot, text } from './browser.ts';
import { defineRules, makeFinding } from '../src/core/index.ts';
import { buildServer } from '../src/server/app.ts';
import type { Store } from '../src/store/index.ts';
import { testStore } from '../src/store/testing.ts';

const rules = defineRules({
  'scan.pickle.dangerous-callable': {
    title: 'Pickle calls os.system',
    severity: 'critical',
    description: 'A pickle opcode stream imports and calls a callable that runs shell commands.',
    remediation: 'Do not load this file. Obtain the model from a trusted source or as safetensors.',
    refs: ['atlas:AML.T0010.003', 'owasp:llm:03', 'cwe:502'],
  },
  'scan.pickle.unsafe-import': {
    title: 'Pickle imports a module outside the allow list',
    severity: 'high',
    description: 'An import that is not on the allow list.',
    remediation: 'Review the import; load with weights_only=True.',
    refs: ['cwe:502'],
  },
  'scan.archive.zip-bomb': {
    title: 'Archive member expands beyond the ratio limit',
    severity: 'medium',
    description: 'A member whose compression ratio suggests a decompression bomb.',
    remediation: 'Reject the archive.',
    refs: ['cwe:409'],
  },
});

/** Resolves when `selector` matches exactly `n` elements; fails naming the selector and the count seen. */
async function waitForCount(page: Page, selector: string, n: number): Promise<void> {
  try {
    await page.waitForFunction(([sel, count]) => document.querySelectorAll(sel as string).length === count, [
      selector,
      n,
    ] as const);
  } catch (e) {
    const seen = await page.locator(selector).count();
    throw new Error(`expected ${n} × ${selector} on ${page.url()}, saw ${seen}: ${(e as Error).message}`);
  }
}

describe('web console in Chromium', { skip: CHROMIUM ? false : 'BULWARK_CHROMIUM is not set' }, () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let distDir: string;
  let adminKey: string;
  let viewer: { key: string; id: string };
  let assetId: string;
  /** Console errors and uncaught exceptions (a CSP violation shows up here). */
  const pageErrors: string[] = [];

  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' && !/401 \(Unauthorized\)/.test(m.text())) pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.setDefaultTimeout(10_000);
  };

  before(async () => {
    distDir = mkdtempSync(join(tmpdir(), 'bw-console-'));
    buildConsole(distDir);
    ({ store, cleanup } = await testStore());
    adminKey = (await store.keys.create({ name: 'console-admin', role: 'admin' }, 'test')).key;
    const v = await store.keys.create({ name: 'console-viewer', role: 'viewer' }, 'test');
    viewer = { key: v.key, id: v.info.id };

    const asset = await store.assets.create(
      {
        kind: 'model',
        name: 'resnet-ft',
        owner: 'ml-platform',
        tags: ['vision', 'prod'],
        riskTier: 'high',
        uri: 's3://models/resnet-ft/',
        description: 'Fine-tuned ResNet-50 for defect detection',
      },
      'test',
    );
    assetId = asset.id;
    await store.assets.addVersion(
      asset.id,
      {
        version: '3',
        digest: `sha256:${'ab'.repeat(32)}`,
        size: 102_760_448,
        uri: 's3://models/resnet-ft/3',
      },
      'test',
    );
    await store.assets.create({ kind: 'dataset', name: 'defects-2026q3', owner: 'data-eng' }, 'test');

    const run = await store.runs.start({ engine: 'scan', assetId: asset.id, target: 'resnet-ft/3/model.pt' });
    const ref = { id: asset.id, kind: 'model' as const, name: asset.name, version: '3' };
    await store.findings.insertMany(
      [
        makeFinding(rules['scan.pickle.dangerous-callable'], {
          asset: ref,
          location: { path: 'model.pt', member: 'archive/data.pkl', offset: 1187 },
          evidence: { callable: 'os.system', args: ['echo pwned'] },
        }),
        makeFinding(rules['scan.pickle.unsafe-import'], {
          asset: ref,
          location: { path: 'model.pt', member: 'archive/data.pkl', offset: 2048 },
          evidence: { module: 'subprocess' },
        }),
        makeFinding(rules['scan.archive.zip-bomb'], {
          asset: ref,
          location: { path: 'model.pt', member: 'archive/blob' },
          evidence: { ratio: 1480 },
        }),
      ],
      { runId: run.id, assetId: asset.id },
    );
    await store.runs.finish(run.id, { status: 'succeeded', summary: { files: 1, findings: 3 } });

    app = await buildServer({ store, consoleDir: distDir });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object');
    base = `http://127.0.0.1:${addr.port}`;

    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await app?.close();
    await cleanup?.();
    if (distDir) rmSync(distDir, { recursive: true, force: true });
  });

  it('signs in, shows the asset, its findings, filters them by severity and verifies the audit chain', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    watch(page);

    await page.goto(`${base}/`);
    const keyInput = page.getByLabel('API key');
    await keyInput.waitFor();

    // A wrong key is refused with the server's reason and nothing is stored.
    await keyInput.fill('bwk_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await text(alert), /invalid, revoked or expired API key/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await shot(page, 'signin');

    // The real key signs in; the top bar says who and which role; the key is in sessionStorage only.
    await keyInput.fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const who = page.getByTestId('whoami');
    await who.waitFor();
    assert.match(await text(who), /console-admin/);
    assert.match(await text(who), /admin/i);
    const storage = await page.evaluate(() => ({
      session: Object.values(sessionStorage),
      local: localStorage.length,
    }));
    assert.deepEqual(storage, { session: [adminKey], local: 0 });

    // Overview counts come from the API.
    await page.locator('.stat-critical .stat-n', { hasText: '1' }).waitFor();
    await page.locator('tr', { hasText: 'succeeded' }).waitFor();
    await shot(page, 'overview');

    // Assets list: both assets, the model links to its detail page.
    await page.getByRole('navigation').getByRole('link', { name: 'Assets' }).click();
    await waitForCount(page, 'tr[data-asset]', 2);
    await page.getByLabel('Kind filter').selectOption('dataset');
    await waitForCount(page, 'tr[data-asset]', 1);
    assert.match(await text(page.locator('tr[data-asset]')), /defects-2026q3/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await waitForCount(page, 'tr[data-asset]', 2);
    await shot(page, 'assets');
    await page.getByRole('link', { name: 'resnet-ft' }).click();
    await page.waitForURL(`${base}/assets/${assetId}`);
    await page.getByRole('heading', { name: /resnet-ft/ }).waitFor();
    assert.match(await text(page.locator('.versions-table')), /98 MiB/);

    // Its three findings, most severe first.
    await waitForCount(page, 'tr[data-severity]', 3);
    const severities = await page
      .locator('tr[data-severity]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-severity')));
    assert.deepEqual(severities, ['critical', 'high', 'medium']);

    // Filter by severity: only the high finding stays, and the filter is in the URL.
    await page.getByRole('button', { name: 'high', exact: true }).click();
    await waitForCount(page, 'tr[data-severity]', 1);
    assert.equal(await page.locator('tr[data-severity]').getAttribute('data-severity'), 'high');
    assert.match(page.url(), /[?&]severity=high\b/);

    // Add critical to the filter: two rows.
    await page.getByRole('button', { name: 'critical', exact: true }).click();
    await waitForCount(page, 'tr[data-severity]', 2);

    // A row expands to its evidence, location, remediation and references.
    await page.locator('tr[data-severity="critical"]').click();
    const detail = page.locator('.finding-detail');
    await detail.waitFor();
    const shown = await text(detail);
    assert.match(shown, /os\.system/);
    assert.match(shown, /archive\/data\.pkl/);
    assert.match(shown, /Obtain the model from a trusted source/);
    const chips = await detail.locator('.chip-ref').allTextContents();
    assert.deepEqual(chips.sort(), ['atlas:AML.T0010.003', 'cwe:502', 'owasp:llm:03']);
    await shot(page, 'asset');

    // A reload keeps the session (same tab) and the filter (URL).
    await page.reload();
    await waitForCount(page, 'tr[data-severity]', 2);

    // The Findings page filters by asset too.
    await page.getByRole('navigation').getByRole('link', { name: 'Findings' }).click();
    await waitForCount(page, 'tr[data-severity]', 3);
    await page.getByRole('button', { name: 'medium', exact: true }).click();
    await waitForCount(page, 'tr[data-severity]', 1);
    assert.match(await text(page.locator('tr[data-severity]')), /zip-bomb/);
    await shot(page, 'findings');

    // Runs: the scan over the asset, and its page lists the run's findings.
    await page.getByRole('navigation').getByRole('link', { name: 'Runs' }).click();
    await page.locator('.runs-table a[href^="/runs/"]').click();
    await page.getByRole('heading', { name: /scan run/ }).waitFor();
    await waitForCount(page, 'tr[data-severity]', 3);
    assert.match(await text(page.locator('.panel', { hasText: 'Summary' })), /"findings": 3/);
    await page.locator('.fields a', { hasText: 'resnet-ft' }).waitFor();
    await shot(page, 'run');

    // Audit (admin only): the chain verifies.
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    await page.locator('.audit-table').waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const verified = page.locator('[data-verify]');
    await verified.waitFor();
    assert.equal(await verified.getAttribute('data-verify'), 'ok');
    assert.match(await text(verified), /Chain intact/);
    await shot(page, 'audit');

    // Sign out clears the key.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await keyInput.waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);

    assert.deepEqual(
      pageErrors,
      [],
      `console errors (a CSP violation would show here): ${pageErrors.join('\n')}`,
    );
    await context.close();
  });

  it('hides the admin page from a viewer and signs out when the key is revoked', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page);
    await page.goto(`${base}/audit`);
    await page.getByLabel('API key').fill(viewer.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).count(), 0);
    assert.match(await text(page.getByRole('alert')), /needs the role admin/);

    // Revoke the key server-side: the next API call answers 401 and the console returns to sign-in.
    await store.keys.revoke(viewer.id, 'test');
    await page.getByRole('navigation').getByRole('link', { name: 'Assets' }).click();
    await page.getByLabel('API key').waitFor();
    assert.match(await text(page.locator('.banner-info')), /session ended/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
