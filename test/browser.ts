// Shared pieces of the browser suites: a fresh console build, a Chromium that works on a closed
// network, and small page helpers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = process.env.BULWARK_CHROMIUM;
export const SCREENSHOTS = process.env.BULWARK_SCREENSHOT_DIR;

/** Builds the console from the current sources into a temp dir, so a test never runs a stale bundle. */
export function buildConsole(outDir: string): void {
  const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(
    process.execPath,
    [vite, 'build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--logLevel', 'warn'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `vite build failed:\n${r.stdout}\n${r.stderr}`);
  assert.ok(existsSync(join(outDir, 'index.html')), 'vite build wrote no index.html');
}

/** Debian Chromium, headless; without the background-networking flags it keeps dialling out. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The element's text as the DOM holds it (not as CSS shows it: badges are upper-cased by style). */
export async function text(l: Locator): Promise<string> {
  return (await l.textContent()) ?? '';
}

export async function shot(page: Page, name: string): Promise<void> {
  if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
}
