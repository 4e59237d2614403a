import { createHash, hash } from 'node:crypto';
import { lstat, open, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  BulwarkError,
  comparePathComponents,
  countBySeverity,
  type Finding,
  type Severity,
} from '../core/index.ts';
import { DEFAULT_LIMITS, ScanContext, type ScanLimits } from './context.ts';
import { scanSource } from './engine.ts';
import { BUILTIN_POLICY, type Policy, type PolicyFileInput } from './policy.ts';
import { FileSource, MemSource } from './source.ts';
import { autoThreads, startHelper } from './threads.ts';

export { DEFAULT_LIMITS, type ScanLimits } from './context.ts';
// Policy files from outside are validated by policy-file.ts (zod), imported directly where needed:
// re-exporting it here would load zod for every scan.
export {
  BUILTIN_POLICY,
  BUILTIN_POLICY_FILE,
  compilePolicy,
  type Policy,
  type PolicyFile,
  type PolicyFileInput,
} from './policy.ts';
export { SCAN_RULES, type ScanRuleId } from './rules.ts';
export { runPickle } from './pickle/machine.ts';

export interface ScannedFile {
  path: string;
  /** Formats recognised in the file and its members, outermost first (e.g. `zip,pytorch-zip,pickle`). */
  format: string;
  sha256: string;
  size: number;
  findings: Finding[];
  durationMs: number;
  /** False when nothing in the file was a model format Bulwark knows. */
  scanned: boolean;
  /** True when a fail-closed finding (unparseable, encrypted, limit) means the file was not fully analysed. */
  unscannable: boolean;
}

export interface ScanReport {
  files: ScannedFile[];
  findings: Finding[];
  summary: {
    files: number;
    scanned: number;
    bySeverity: Record<Severity, number>;
    unscannable: number;
    durationMs: number;
    policy: string;
  };
}

export interface ScanOptions {
  policy?: Policy;
  /** Files scanned at once (I/O overlap; parsing itself is synchronous). */
  jobs?: number;
  limits?: Partial<ScanLimits>;
  onProgress?: (done: number, total: number, path: string) => void;
  /** Hash each file (SHA-256) for the report; on by default. */
  hash?: boolean;
  /**
   * Threads for a directory scan (the caller's own included); by default one per idle core, at most 4,
   * and one per 200 files (see threads.ts). The report is the same whatever the number.
   */
  threads?: number;
}

const SMALL_FILE = 4 * 1024 * 1024;
const FAIL_CLOSED = new Set(['scan.file.unparseable', 'scan.file.limit-reached', 'scan.archive.encrypted']);

/** SHA-256 through one reused 1 MiB buffer: constant memory whatever the file size. */
async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

function finish(ctx: ScanContext, path: string, size: number, sha256: string, started: number): ScannedFile {
  return {
    path,
    format: [...ctx.formats].join(',') || 'unknown',
    sha256,
    size,
    findings: ctx.findings,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    scanned: ctx.recognised,
    unscannable: ctx.findings.some((f) => FAIL_CLOSED.has(f.ruleId)),
  };
}

async function guard(ctx: ScanContext, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    // A parser bug must never turn into a pass: record it as an unparseable finding.
    ctx.add('scan.file.unparseable', {
      title: `Scan failed: ${(e as Error)?.message ?? String(e)}`,
      evidence: { error: String(e) },
    });
  }
}

/** Scans bytes already in memory (an upload); `name` is used in findings and as a tie-breaker only. */
export async function scanBuffer(
  bytes: Uint8Array,
  name: string,
  options: ScanOptions = {},
): Promise<ScannedFile> {
  const started = performance.now();
  const ctx = new ScanContext(name, options.policy ?? BUILTIN_POLICY, {
    ...DEFAULT_LIMITS,
    ...options.limits,
  });
  await guard(ctx, () => scanSource(ctx, new MemSource(bytes), undefined, 0, { name }));
  return finish(ctx, name, bytes.length, hash('sha256', bytes, 'hex'), started);
}

/** Scans one file on disk; tensor data is read only where a format needs it (headers, pickles). */
export async function scanFile(
  path: string,
  options: ScanOptions = {},
  display = path,
): Promise<ScannedFile> {
  const started = performance.now();
  const ctx = new ScanContext(display, options.policy ?? BUILTIN_POLICY, {
    ...DEFAULT_LIMITS,
    ...options.limits,
  });
  let opened: ReturnType<typeof FileSource.open>;
  try {
    opened = FileSource.open(path);
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: cannot open (${(e as Error).message})`, { cause: e });
  }
  let small: Uint8Array | undefined;
  try {
    // Small files are read once (and hashed from memory); large ones stay on disk and are read where a
    // format needs it.
    small = opened.src.size <= SMALL_FILE ? opened.src.read(0, opened.src.size) : undefined;
    const src = small ? new MemSource(small) : opened.src;
    await guard(ctx, () => scanSource(ctx, src, undefined, 0, { name: path }));
  } finally {
    opened.close();
  }
  const sha256 = options.hash === false ? '' : small ? hash('sha256', small, 'hex') : await hashFile(path);
  return finish(ctx, display, opened.src.size, sha256, started);
}

export interface Target {
  abs: string;
  display: string;
  symlink?: { target: string; outside: boolean };
}

async function collect(paths: string[]): Promise<Target[]> {
  const out: Target[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let st: Awaited<ReturnType<typeof lstat>>;
    try {
      st = await lstat(abs);
    } catch (e) {
      throw new BulwarkError('BW_ERR_IO', `${p}: no such file or directory`, { cause: e });
    }
    if (st.isFile()) out.push({ abs, display: p });
    else if (st.isSymbolicLink()) {
      // An explicitly named link is followed: the user asked for it.
      const real = await realpath(abs).catch(() => undefined);
      if (real) out.push({ abs: real, display: p });
      else throw new BulwarkError('BW_ERR_IO', `${p}: dangling symbolic link`);
    } else if (st.isDirectory()) {
      const root = await realpath(abs);
      const walk = async (dir: string, displayDir: string): Promise<void> => {
        const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
          comparePathComponents(a.name, b.name),
        );
        for (const e of entries) {
          const full = join(dir, e.name);
          // Same as join(p, relative(abs, full)), without re-walking the whole path per entry.
          const shown = join(displayDir, e.name);
          const display = sep === '/' ? shown : shown.split(sep).join('/');
          if (e.isDirectory()) await walk(full, shown);
          else if (e.isFile()) out.push({ abs: full, display });
          else if (e.isSymbolicLink()) {
            const target = await readlink(full).catch(() => '');
            const real = await realpath(full).catch(() => resolve(dirname(full), target));
            const outside = !(real === root || real.startsWith(root + sep));
            out.push({ abs: full, display, symlink: { target, outside } });
          }
        }
      };
      await walk(abs, join(p, ''));
    } else throw new BulwarkError('BW_ERR_IO', `${p}: not a regular file or directory`);
  }
  return out;
}

function symlinkResult(t: Target, policy: Policy): ScannedFile {
  const ctx = new ScanContext(t.display, policy, DEFAULT_LIMITS);
  ctx.add('scan.archive.path-traversal', {
    severity: t.symlink!.outside ? 'high' : 'low',
    title: `Symbolic link to ${JSON.stringify(t.symlink!.target)}${t.symlink!.outside ? ' points outside the scanned directory' : ' (not followed)'}`,
    evidence: { target: t.symlink!.target },
  });
  return { ...finish(ctx, t.display, 0, '', performance.now()), format: 'symlink' };
}

export interface WorkerScanOptions extends Omit<ScanOptions, 'policy'> {
  /** Policy as data (functions cannot cross threads); the built-in policy when absent. */
  policyFile?: PolicyFileInput;
  /** Wall-clock bound for the whole scan; the worker is terminated when it passes. */
  timeoutMs?: number;
  /** Heap bound of the worker thread (MiB). */
  maxHeapMb?: number;
}

/**
 * Runs scanPaths (or scanBuffer, given bytes) in a worker thread, so a server's event loop is not
 * blocked by parsing: the engine's parsers are synchronous. Progress is forwarded.
 */
export function scanInWorker(
  target: string[] | { bytes: Uint8Array; name: string },
  options: WorkerScanOptions = {},
): Promise<ScanReport | ScannedFile> {
  const { onProgress, policyFile, timeoutMs, maxHeapMb, ...rest } = options;
  const data = Array.isArray(target)
    ? { kind: 'paths', paths: target }
    : { kind: 'buffer', bytes: target.bytes, name: target.name };
  return new Promise((resolvePromise, reject) => {
    // The thread isolates the caller from what a hostile file can do to a parser or a third-party
    // decoder: an exception thrown outside any promise, a promise that never settles, a heap blow-up.
    const worker = new Worker(new URL('./worker.ts', import.meta.url), {
      workerData: { ...data, options: rest, policy: policyFile },
      ...(maxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: maxHeapMb } } : {}),
    });
    const timer = timeoutMs
      ? setTimeout(() => {
          reject(new BulwarkError('BW_ERR_PARSE_LIMIT', `scan did not finish within ${timeoutMs} ms`));
          void worker.terminate();
        }, timeoutMs)
      : undefined;
    worker.once('exit', () => clearTimeout(timer));
    worker.on(
      'message',
      (m: {
        progress?: [number, number, string];
        result?: ScanReport | ScannedFile;
        error?: { code: string; message: string };
      }) => {
        if (m.progress) onProgress?.(...m.progress);
        else if (m.error) reject(new BulwarkError(m.error.code, m.error.message));
        else if (m.result) resolvePromise(m.result);
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new BulwarkError('BW_ERR_INTERNAL', `scan worker exited with code ${code}`));
    });
  });
}

/** Scans one collected target: a file, or a symbolic link found in a directory (reported, not followed). */
export function scanTarget(t: Target, options: ScanOptions & { policy: Policy }): Promise<ScannedFile> {
  return t.symlink ? Promise.resolve(symlinkResult(t, options.policy)) : scanFile(t.abs, options, t.display);
}

/** Scans files, directories (recursively) and archives; the entry point for the CLI, server and store. */
export async function scanPaths(paths: string[], options: ScanOptions = {}): Promise<ScanReport> {
  const started = performance.now();
  const policy = options.policy ?? BUILTIN_POLICY;
  const targets = await collect(paths);
  const files: ScannedFile[] = new Array(targets.length);
  const jobs = Math.max(1, Math.min(options.jobs ?? 4, 64));
  const threads = Math.max(1, Math.min(options.threads ?? autoThreads(targets.length), 64));
  // Every thread claims the next file from one counter, so a slow file on one thread does not hold
  // the others back; results land at their index, so the report's order does not depend on threads.
  const counter = new Int32Array(new SharedArrayBuffer(4));
  let done = 0;
  const settle = (i: number, file: ScannedFile) => {
    files[i] = file;
    done++;
    options.onProgress?.(done, targets.length, targets[i]!.display);
  };
  const helpers = Array.from({ length: threads - 1 }, () =>
    startHelper(
      {
        targets,
        counter,
        policy: policy.source,
        options: {
          ...(options.limits ? { limits: options.limits } : {}),
          ...(options.hash !== undefined ? { hash: options.hash } : {}),
        },
      },
      settle,
    ),
  );
  const own = { ...options, policy };
  const worker = async () => {
    for (;;) {
      const i = Atomics.add(counter, 0, 1);
      if (i >= targets.length) return;
      settle(i, await scanTarget(targets[i]!, own));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, targets.length) }, worker));
  await Promise.all(helpers);
  // Files claimed by a helper that died (a parser crash that took its thread down) are scanned here.
  for (let i = 0; i < targets.length; i++)
    if (files[i] === undefined) settle(i, await scanTarget(targets[i]!, own));
  const findings = files.flatMap((f) => f.findings);
  return {
    files,
    findings,
    summary: {
      files: files.length,
      scanned: files.filter((f) => f.scanned).length,
      bySeverity: countBySeverity(findings),
      unscannable: files.filter((f) => f.unscannable).length,
      durationMs: Math.round(performance.now() - started),
      policy: `${policy.name}@${policy.version}`,
    },
  };
}
