/**
 * Scans source and config text line by line for AI use: library imports (Python, JS/TS), dependency
 * manifests, model names, model endpoints and plain-text credentials. Pure: text in, hits out.
 * Very long lines (minified bundles) are scanned in overlapping windows so that no regex sees more
 * than a few KiB at once.
 */
import { basename } from 'node:path';
import { type LibraryHit, matchJsPackage, matchPypiPackage, matchPythonModule } from './libraries.ts';
import { API_PATH, findEndpoints, findModelNames } from './models.ts';
import { findSecrets, redactAround, type SecretMatch } from './secrets.ts';

/** `config` files may hold bare (unquoted) secret values; in `text` (other code) a bare word is a name. */
export type Language = 'python' | 'js' | 'config' | 'text';

export type TextHit =
  | { type: 'library'; lib: string; tags: string[]; line: number; column: number; snippet: string }
  | { type: 'model'; name: string; provider: string; line: number; column: number }
  | { type: 'endpoint'; url: string; provider: string; line: number; column: number }
  | { type: 'api-path'; path: string; line: number; column: number }
  | { type: 'remote-code'; line: number; column: number; snippet: string }
  | { type: 'secret'; match: SecretMatch; line: number; column: number; redacted: string };

const PY_EXT = new Set(['.py', '.pyi', '.pyw']);
const JS_EXT = new Set(['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.vue', '.svelte']);
const CONFIG_EXT = new Set([
  '.json',
  '.yaml',
  '.yml',
  '.toml',
  '.ini',
  '.cfg',
  '.conf',
  '.properties',
  '.env',
  '.tfvars',
]);
const TEXT_EXT = new Set([
  '.sh',
  '.bash',
  '.zsh',
  '.ps1',
  '.tf',
  '.go',
  '.java',
  '.kt',
  '.rb',
  '.rs',
  '.cs',
  '.php',
  '.scala',
  '.swift',
  '.r',
  '.sql',
  '.xml',
  '.http',
]);
const LOCK_FILES = new Set(['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock']);
const TEXT_NAMES = new Set(['dockerfile', 'containerfile', 'makefile', 'procfile']);
const CONFIG_NAMES = new Set(['pipfile', '.npmrc', '.netrc', '.pypirc']);

/** How to scan a file, from its name; undefined for files that are not source or config. */
export function languageOf(relPath: string): Language | 'notebook' | undefined {
  const name = basename(relPath).toLowerCase();
  // Minified bundles and lock files are generated: scanning them finds the same names thousands of times.
  if (name.endsWith('.min.js') || LOCK_FILES.has(name) || name.endsWith('.lock')) return undefined;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot) : '';
  if (PY_EXT.has(ext)) return 'python';
  if (JS_EXT.has(ext)) return 'js';
  if (ext === '.ipynb') return 'notebook';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'config';
  if (/^requirements.*\.txt$/.test(name) || name === 'constraints.txt') return 'config';
  if (CONFIG_EXT.has(ext) || CONFIG_NAMES.has(name)) return 'config';
  if (TEXT_EXT.has(ext) || TEXT_NAMES.has(name)) return 'text';
  return undefined;
}

const PY_IMPORT = /^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)/;
const PY_FROM = /^\s*from\s+([\w.]+)\s+import\b/;
const JS_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"\s]{1,214})\1/g;

// transformers' `trust_remote_code=True`, YAML/JSON `trust_remote_code: true`, vLLM's CLI flag.
const REMOTE_CODE = /\btrust_remote_code["']?\s*[=:]\s*(?:True|true)\b|--trust-remote-code\b/;

const WINDOW = 4096;
const OVERLAP = 256;

function libraryHits(line: string, lang: Language): Array<LibraryHit & { column: number }> {
  const out: Array<LibraryHit & { column: number }> = [];
  if (lang === 'python') {
    const from = PY_FROM.exec(line);
    const mods = from ? [from[1]!] : (PY_IMPORT.exec(line)?.[1]?.split(',') ?? []);
    for (const raw of mods) {
      const hit = matchPythonModule(raw.trim().split(/\s+/)[0]!);
      if (hit) out.push({ ...hit, column: line.indexOf(raw.trim()) + 1 });
    }
  } else if (lang === 'js') {
    for (const m of line.matchAll(JS_IMPORT)) {
      const hit = matchJsPackage(m[2]!);
      if (hit) out.push({ ...hit, column: m.index + 1 });
    }
  }
  return out;
}

function scanSpan(span: string, offset: number, lineNo: number, lang: Language, out: TextHit[]): void {
  if (offset === 0) {
    for (const l of libraryHits(span, lang)) {
      out.push({
        type: 'library',
        lib: l.lib,
        tags: l.tags,
        line: lineNo,
        column: l.column,
        snippet: span.trim().slice(0, 120),
      });
    }
  }
  for (const m of findModelNames(span))
    out.push({ type: 'model', ...m, line: lineNo, column: m.column + offset });
  for (const e of findEndpoints(span))
    out.push({ type: 'endpoint', ...e, line: lineNo, column: e.column + offset });
  const p = API_PATH.exec(span);
  if (p) out.push({ type: 'api-path', path: p[0], line: lineNo, column: p.index + offset + 1 });
  const rc = REMOTE_CODE.exec(span);
  if (rc) {
    const snippet = span.slice(Math.max(0, rc.index - 60), rc.index + rc[0].length + 20).trim();
    out.push({ type: 'remote-code', line: lineNo, column: rc.index + offset + 1, snippet });
  }
  const secrets = findSecrets(span, lang === 'config').map((s) => ({ ...s, index: s.index + offset }));
  for (const s of secrets) {
    out.push({ type: 'secret', match: s, line: lineNo, column: s.index + 1, redacted: '' });
  }
}

/** Every hit in a text, with 1-based line and column. */
export function scanText(text: string, lang: Language): TextHit[] {
  const out: TextHit[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0) continue;
    const hits: TextHit[] = [];
    if (line.length <= WINDOW) scanSpan(line, 0, i + 1, lang, hits);
    else {
      for (let off = 0; off < line.length; off += WINDOW - OVERLAP) {
        scanSpan(line.slice(off, off + WINDOW), off, i + 1, lang, hits);
      }
    }
    const seen = new Set<string>();
    const secrets: SecretMatch[] = [];
    for (const h of hits) {
      const key =
        h.type === 'secret'
          ? `s:${h.match.index}:${h.match.fingerprint}`
          : `${h.type}:${h.column}:${'name' in h ? h.name : 'url' in h ? h.url : 'lib' in h ? h.lib : 'path' in h ? h.path : ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (h.type === 'secret') secrets.push(h.match);
      out.push(h);
    }
    if (secrets.length > 0) {
      // The evidence shows where the key is, with every key on the line masked.
      for (const h of out)
        if (h.type === 'secret' && h.line === i + 1) h.redacted = redactAround(line, secrets, h.match);
    }
  }
  return out;
}

/** Dependencies declared in requirements*.txt, package.json and pyproject.toml. */
export function scanManifest(relPath: string, text: string): TextHit[] {
  const name = basename(relPath).toLowerCase();
  const out: TextHit[] = [];
  const push = (hit: LibraryHit | undefined, line: number, snippet: string) => {
    if (hit) out.push({ type: 'library', ...hit, line, column: 1, snippet: snippet.trim().slice(0, 120) });
  };
  const lines = text.split(/\r?\n/);
  if (/^requirements.*\.txt$/.test(name) || name === 'constraints.txt') {
    lines.forEach((l, i) => {
      const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(l);
      if (m && !l.trim().startsWith('#')) push(matchPypiPackage(m[1]!), i + 1, l);
    });
  } else if (name === 'package.json') {
    let pkg: Record<string, unknown>;
    try {
      pkg = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return out;
    }
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
      const deps = pkg?.[field];
      if (!deps || typeof deps !== 'object') continue;
      for (const dep of Object.keys(deps)) {
        const line = lines.findIndex((l) => l.includes(`"${dep}"`));
        push(matchJsPackage(dep), line + 1 || 1, `${field}: ${dep}`);
      }
    }
  } else if (name === 'pyproject.toml') {
    // PEP 621 lists and Poetry tables both name the distribution at the start of a string or key.
    lines.forEach((l, i) => {
      for (const m of l.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:[<>=!~;[\]]|["'])/g)) {
        push(matchPypiPackage(m[1]!), i + 1, l);
      }
      const key = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*["'{]/.exec(l);
      if (key) push(matchPypiPackage(key[1]!), i + 1, l);
    });
  }
  return out;
}

/** The code cells of a Jupyter notebook, each as one text; undefined when the JSON is not a notebook. */
export function notebookCells(text: string): Array<{ index: number; source: string }> | undefined {
  let nb: { cells?: Array<{ cell_type?: string; source?: string | string[] }> };
  try {
    nb = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!nb || !Array.isArray(nb.cells)) return undefined;
  const out: Array<{ index: number; source: string }> = [];
  nb.cells.forEach((c, index) => {
    if (c?.cell_type !== 'code') return;
    const src = Array.isArray(c.source) ? c.source.join('') : typeof c.source === 'string' ? c.source : '';
    out.push({ index, source: src });
  });
  return out;
}

/** The project name a manifest declares (package.json `name`, pyproject `[project] name`). */
export function projectName(relPath: string, text: string): string | undefined {
  const name = basename(relPath).toLowerCase();
  if (name === 'package.json') {
    try {
      const n = (JSON.parse(text) as { name?: unknown }).name;
      return typeof n === 'string' && n.length > 0 ? n.slice(0, 200) : undefined;
    } catch {
      return undefined;
    }
  }
  if (name === 'pyproject.toml') {
    const section = /^\[(?:project|tool\.poetry)\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text)?.[1] ?? '';
    return /^\s*name\s*=\s*["']([^"']{1,200})["']/m.exec(section)?.[1];
  }
  return undefined;
}

export interface SourceScan {
  /** Hits per part of the file: the whole file, or one entry per notebook cell (`cells[3]`). */
  parts: Array<{ hits: TextHit[]; member?: string }>;
  /** The project name the file declares, when it is a package.json or pyproject.toml. */
  declaredName?: string;
}

/** Scans one source, config or notebook file: imports, dependencies, names, endpoints, credentials. */
export function scanSourceFile(relPath: string, text: string, language: Language | 'notebook'): SourceScan {
  const declaredName = projectName(relPath, text);
  const out: SourceScan = { parts: [], ...(declaredName ? { declaredName } : {}) };
  if (language === 'notebook') {
    const cells = notebookCells(text);
    if (cells)
      for (const c of cells)
        out.parts.push({ hits: scanText(c.source, 'python'), member: `cells[${c.index}]` });
    else out.parts.push({ hits: scanText(text, 'config') });
    return out;
  }
  out.parts.push({ hits: [...scanManifest(relPath, text), ...scanText(text, language)] });
  return out;
}
