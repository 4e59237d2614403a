// End-to-end test of the console's Scans and Model registry pages in real headless Chromium against a
// real server, store, scanner and registry: upload a malicious pickle and see the critical finding;
// verify digests, promote two versions through their gates, see a tampered version refused with its
// failed gate, roll production back with a reason and find the rollback in the history.
// scripts/test.js runs it only where Chromium exists and passes its path in BULWARK_CHROMIUM.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildConsole, CHROMIUM, launchChromium, shot, text } from './browser.ts';
import { buildServer } from '../src/server/app.ts';
import { SCAN_QUEUE } from '../src/server/routes/scans.ts';
import { startWorker } from '../src/server/worker.ts';
import { defaultRegistryEngines } from '../src/services/engines.ts';
import { createRegistryService, RegistryConfig } from '../src/services/registry.ts';
import { scanAndRecord } from '../src/services/scans.ts';
import type { Store } from '../src/store/index.ts';
import { testStore } from '../src/store/testing.ts';

/** A pickle that calls os.system('echo pwned') when loaded (protocol 2: GLOBAL, BINUNICODE, TUPLE1, REDUCE). */
const EVIL_PICKLE = Buffer.concat([
  Buffer.from([0x80, 0x02]),
  Buffer.from('cos\nsystem\n', 'latin1'),
  Buffer.from([0x58, 10, 0, 0, 0]),
  Buffer.from('echo pwned'),
  Buffer.from([0x85, 0x52, 0x2e]),
]);

/** A valid safetensors file holding one F32 tensor of two values. */
function safetensors(values: [number, number]): Buffer {
  const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(8);
  data.writeFloatLE(values[0], 0);
  data.writeFloatLE(values[1], 4);
  return Buffer.concat([len, header, data]);
}

function modelDir(root: string, name: string, values: [number, number]): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.safetensors'), safetensors(values));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ architectures: ['TinyNet'], hidden_size: 2 }));
  return dir;
}

/** Waits until the element's attribute has `value`; fails naming what it saw. */
async function waitForAttr(l: Locator, attr: string, value: string): Promise<void> {
  try {
    await l.and(l.page().locator(`[${attr}="${value}"]`)).waitFor();
  } catch (e) {
    const seen = await l.getAttribute(attr).catch(() => null);
    throw new Error(`expected ${attr}="${value}", saw ${JSON.stringify(seen)}: ${(e as Error).message}`);
  }
}

describe('scans and model registry pages in Chromium', {
  skip: CHROMIUM ? false : 'BULWARK_CHROMIUM is not set',
}, () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  let work: string;
  let distDir: string;
  let analystKey: string;
  let viewerKey: string;
  let inbox: string;
  let worker: ReturnType<typeof startWorker> | undefined;
  const pageErrors: string[] = [];

  const watch = (page: Page) => {
    page.on('console', (m) => {
      // A refused promotion answers 409, which Chromium logs as a failed resource load: expected here.
      if (m.type() === 'error' && !/\b(401|409) \(/.test(m.text())) pageErrors.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.setDefaultTimeout(10_000);
  };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'bw-regscan-'));
    distDir = join(work, 'dist');
    buildConsole(distDir);
    ({ store, cleanup } = await testStore());
    analystKey = (await store.keys.create({ name: 'release-analyst', role: 'analyst' }, 'test')).key;
    viewerKey = (await store.keys.create({ name: 'read-only', role: 'viewer' }, 'test')).key;

    const registry = createRegistryService({
      store,
      home: join(work, 'home'),
      config: RegistryConfig.parse({
        stages: {
          approved: { requireDigestsVerified: true },
          production: { requireBom: true, requireDigestsVerified: true },
        },
      }),
      engines: defaultRegistryEngines(),
    });
    const models = join(work, 'models');
    for (const [version, values] of [
      ['1', [0.5, 1.5]],
      ['2', [0.25, 2.5]],
      ['3', [1, 1]],
    ] as const) {
      await registry.push({
        path: modelDir(models, `tiny-v${version}`, [...values]),
        name: 'tiny-classifier',
        version,
        owner: 'ml-platform',
        actor: 'test',
      });
    }
    // Version 3's weights change after registration: its digests no longer match.
    writeFileSync(join(models, 'tiny-v3', 'model.safetensors'), safetensors([6, 6]));

    // A pickle on the server's disk, for a queued path scan.
    inbox = join(work, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, 'weights.pkl'), EVIL_PICKLE);

    app = await buildServer({
      store,
      registry,
      allowedPaths: [models, inbox],
      consoleDir: distDir,
      poke: () => worker?.poke(),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    assert.ok(addr && typeof addr === 'object');
    base = `http://127.0.0.1:${addr.port}`;

    browser = await launchChromium();
  });

  after(async () => {
    await worker?.stop();
    await browser?.close();
    await app?.close();
    await cleanup?.();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function signIn(page: Page, key: string, path: string): Promise<void> {
    await page.goto(`${base}${path}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('whoami').waitFor();
  }

  it('uploads a malicious pickle and shows its critical os.system finding', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    watch(page);
    await signIn(page, analystKey, '/');

    // A path scan queued through the API while no worker runs: it waits, running.
    const queued = await fetch(`${base}/api/v1/scans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${analystKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ path: join(inbox, 'weights.pkl'), model: 'inbox-model' }),
    });
    assert.equal(queued.status, 202);
    const queuedId = ((await queued.json()) as { run: { id: string } }).run.id;

    await page.getByRole('navigation').getByRole('link', { name: 'Scans' }).click();
    // The registry's three pushes each scanned their version; the queued scan is still running.
    await page.locator('tr[data-scan]').nth(3).waitFor();
    assert.equal(await page.locator('tr[data-scan]').count(), 4);
    const queuedRow = page.locator(`tr[data-scan="${queuedId}"]`);
    assert.match(await text(queuedRow), /running/);

    // A worker picks it up; the page refreshes itself until the scan is done, then shows it critical.
    worker = startWorker({
      store,
      pollMs: 20,
      handlers: {
        [SCAN_QUEUE]: async (p) =>
          (
            await scanAndRecord(store, {
              paths: p.paths as string[],
              actor: String(p.actor),
              runId: String(p.runId),
              ...(p.model ? { model: String(p.model) } : {}),
            })
          ).run.id,
      },
    });
    worker.poke();
    await queuedRow.locator('.sev-critical').waitFor();
    assert.match(await text(queuedRow), /succeeded/);
    assert.match(await text(queuedRow), /inbox\/weights\.pkl/);

    const file = join(work, 'evil.pkl');
    writeFileSync(file, EVIL_PICKLE);
    await page.getByLabel('Model file').setInputFiles(file);
    await page.getByLabel('Model name').fill('uploaded-model');
    await page.getByRole('button', { name: 'Upload and scan' }).click();

    // The new scan's page: critical, one pickle file with findings, the finding names os.system.
    await page.waitForURL(/\/scans\/[^/]+$/);
    await page.getByRole('heading', { name: /Scan/ }).locator('.sev-critical').waitFor();
    const fileRow = page.locator('.scan-files-table tr[data-file="evil.pkl"]');
    await fileRow.waitFor();
    assert.match(await text(fileRow), /pickle/);
    assert.notEqual((await fileRow.locator('td').nth(4).textContent())?.trim(), '0');
    assert.match(await text(page.locator('.fields')), /upload:evil\.pkl/);
    // The asset's name arrives with a second request: wait for it rather than read too early.
    await page.locator('.fields', { hasText: 'uploaded-model' }).waitFor();
    const critical = page.locator('tr[data-severity="critical"]').first();
    await critical.waitFor();
    await critical.click();
    assert.match(await text(page.locator('.finding-detail')), /os\.system/);
    await shot(page, 'scan-detail');

    // Back on the list: five scans, the newest is the upload, linked to its model asset, worst critical.
    await page.getByRole('link', { name: '‹ Scans' }).click();
    await page.locator('tr[data-scan]').nth(4).waitFor();
    const newest = page.locator('tr[data-scan]').first();
    assert.match(await text(newest), /upload:evil\.pkl/);
    await newest.filter({ hasText: 'uploaded-model' }).waitFor();
    await newest.locator('.sev-critical').waitFor();
    await shot(page, 'scans');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('promotes through gates, refuses a tampered version, rolls production back with a reason', async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    watch(page);
    await signIn(page, analystKey, '/');

    // The registry list: one model, three candidates, each scanned clean, with a BOM.
    await page.getByRole('navigation').getByRole('link', { name: 'Model registry' }).click();
    const table = page.locator('[data-model-table="tiny-classifier"]');
    await table.waitFor();
    assert.equal(await table.locator('tr[data-version]').count(), 3);
    assert.equal(await table.locator('[data-stage="candidate"]').count(), 3);
    assert.match(await text(table.locator('tr[data-version="1"]')), /clean/);
    assert.match(await text(table.locator('tr[data-version="1"]')), /yes/);
    await shot(page, 'registry');

    // The scan status links to the scan run.
    await table.locator('tr[data-version="1"] [data-scan-link]').click();
    await page.waitForURL(/\/scans\/[^/]+$/);
    // Registry scans record counts, not per-file rows: the page shows the target and the clean result.
    await page.locator('.fields', { hasText: 'tiny-v1' }).waitFor();
    assert.match(await text(page.getByRole('heading', { name: /Scan/ })), /clean/);
    await page.goBack();

    await page.locator('[data-model="tiny-classifier"]').click();
    await page.waitForURL(`${base}/registry/tiny-classifier`);
    const production = page.locator('[data-production]');
    await production.waitFor();
    assert.equal(await production.getAttribute('data-production'), '');

    // Before verification the approved gate says the digests are unchecked.
    const v1 = page.locator('[data-version-actions="1"]');
    const digestGate = v1.locator('[data-gates-for="approved"] tr[data-gate="digests"]');
    await waitForAttr(digestGate, 'data-passed', 'false');
    assert.match(await text(digestGate), /not been verified/);

    // Verify digests: versions 1 and 2 intact, 3 changed.
    await page.getByRole('button', { name: 'Verify digests' }).click();
    const results = page.locator('[data-verify-results]');
    await results.waitFor();
    assert.equal(await results.getAttribute('data-verify-results'), 'bad');
    assert.equal(await results.locator('[data-verify-version="1"]').getAttribute('data-ok'), 'true');
    assert.equal(await results.locator('[data-verify-version="2"]').getAttribute('data-ok'), 'true');
    const v3row = results.locator('[data-verify-version="3"]');
    assert.equal(await v3row.getAttribute('data-ok'), 'false');
    assert.match(await text(v3row), /model\.safetensors/);
    await waitForAttr(
      v1.locator('[data-gates-for="approved"] tr[data-gate="digests"]'),
      'data-passed',
      'true',
    );

    // Version 1: candidate → approved → production, seeing the production gates pass first.
    await v1.getByRole('button', { name: 'Promote to approved' }).click();
    await page.locator('[data-notice]', { hasText: 'tiny-classifier 1 promoted to approved' }).waitFor();
    const v1prod = page.locator('[data-version-actions="1"] [data-gates-for="production"]');
    await waitForAttr(v1prod.locator('tr[data-gate="bom"]'), 'data-passed', 'true');
    await waitForAttr(v1prod.locator('tr[data-gate="digests"]'), 'data-passed', 'true');
    await shot(page, 'registry-gates');
    await page
      .locator('[data-version-actions="1"]')
      .getByRole('button', { name: 'Promote to production' })
      .click();
    await page.locator('[data-production="1"]').waitFor();

    // Version 2 the same way; it supersedes 1, which is retired.
    const v2 = () => page.locator('[data-version-actions="2"]');
    await v2().locator('[data-gates-for="approved"] tr[data-gate="digests"][data-passed="true"]').waitFor();
    await v2().getByRole('button', { name: 'Promote to approved' }).click();
    await v2().locator('[data-gates-for="production"] tr[data-gate="bom"][data-passed="true"]').waitFor();
    await v2().getByRole('button', { name: 'Promote to production' }).click();
    await page.locator('[data-production="2"]').waitFor();
    await page.locator('.registry-versions tr[data-version="1"][data-stage="retired"]').waitFor();
    assert.equal(
      await page.locator('[data-version-actions="1"]').count(),
      0,
      'a retired version has no actions',
    );

    // Version 3 changed after registration: the promotion is refused, showing the failed gate.
    const v3 = page.locator('[data-version-actions="3"]');
    await v3.getByRole('button', { name: 'Promote to approved' }).click();
    const refusal = v3.locator('[data-outcome="refused"]');
    await refusal.waitFor();
    const failed = refusal.locator('tr[data-gate="digests"]');
    assert.equal(await failed.getAttribute('data-passed'), 'false');
    assert.match(await text(failed), /artifacts differ from their digests: model\.safetensors/);
    assert.equal(
      await page.locator('.registry-versions tr[data-version="3"]').getAttribute('data-stage'),
      'candidate',
    );
    await shot(page, 'registry-refused');

    // Rollback needs a reason; with one, production returns to 1 and the history records it.
    const rollback = page.getByRole('button', { name: 'Roll back production' });
    assert.equal(await rollback.isDisabled(), true);
    await page.getByLabel('Rollback reason').fill('v2 regressed on the holdout set');
    await rollback.click();
    await page.locator('[data-production="1"]').waitFor();
    await page.locator('[data-notice]', { hasText: 'from 2 to 1' }).waitFor();
    await page.locator('.registry-versions tr[data-version="2"][data-stage="retired"]').waitFor();
    const rolled = page.locator('tr[data-history-action="rollback"]');
    assert.equal(await rolled.count(), 2);
    for (const row of await rolled.all()) assert.match(await text(row), /v2 regressed on the holdout set/);
    assert.match(
      await text(page.locator('tr[data-history-action="rollback"][data-history-version="1"]')),
      /retired.*production/,
    );

    // Retiring takes a confirmation; the tampered version leaves the active list.
    await v3.getByRole('button', { name: 'Retire' }).click();
    await v3.getByRole('button', { name: 'Confirm retire' }).click();
    await page.locator('.registry-versions tr[data-version="3"][data-stage="retired"]').waitFor();
    assert.equal(await page.locator('[data-version-actions="3"]').count(), 0);
    await page.locator('tr[data-history-action="retire"][data-history-version="3"]').waitFor();
    await shot(page, 'registry-model');

    // The server agrees: version 1 is in production, the rollback is audited.
    const audit = await store.audit.list({ action: 'registry.rollback' });
    assert.equal(audit.items.length, 1);
    assert.equal(audit.items[0]!.details.reason, 'v2 regressed on the holdout set');
    assert.deepEqual(pageErrors, []);
    await context.close();
  });

  it('shows a viewer the registry and scans without upload, promote or rollback controls', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page);
    await signIn(page, viewerKey, '/registry/tiny-classifier');
    await page.locator('.registry-versions tr[data-version]').first().waitFor();
    await page.locator('[data-version-actions="1"]').waitFor();
    await page.locator('tr[data-history-action="rollback"]').first().waitFor();
    assert.equal(await page.getByRole('button', { name: /Promote|Retire|Roll back|Verify/ }).count(), 0);
    await page.getByRole('navigation').getByRole('link', { name: 'Scans' }).click();
    await page.locator('tr[data-scan]').first().waitFor();
    assert.equal(await page.getByLabel('Model file').count(), 0);
    assert.deepEqual(pageErrors, []);
    await context.close();
  });
});
