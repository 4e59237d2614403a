import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BulwarkError } from '../core/index.ts';

/** One software dependency declared by a project file. */
export interface Dependency {
  ecosystem: 'pypi' | 'npm';
  name: string;
  /** Exact version when pinned (`==1.2.3`, `1.2.3`), else undefined. */
  version?: string;
  /** The declared constraint as written (`>=2.0,<3`, `^1.4`). */
  constraint?: string;
  /** `file:line` where it was declared. */
  source: string;
}

/** Largest dependency file read; real ones are a few KiB. */
export const MAX_DEPS_FILE_BYTES = 4 * 1024 * 1024;

/** Longest single requirement considered. */
export const MAX_REQUIREMENT_CHARS = 4096;

/** PEP 503 normalisation, as pip and purl use for PyPI names. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const PEP508 = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(\([^)]*\)|[^;@]*)?\s*(@\s*\S+)?\s*(;.*)?$/;

/** Parses one PEP 508 requirement (`torch[cuda]>=2.1; python_version>"3.8"`). */
export function parsePep508(spec: string, source: string): Dependency | undefined {
  // Real requirements are short; the bound keeps the regex's backtracking small on hostile lines.
  if (spec.length > MAX_REQUIREMENT_CHARS) return undefined;
  const m = PEP508.exec(spec.trim());
  if (!m) return undefined;
  const constraint = (m[3] ?? '').replace(/[()\s]/g, '') || undefined;
  const pinned = constraint && /^===?([A-Za-z0-9.+!_-]+)$/.exec(constraint);
  return {
    ecosystem: 'pypi',
    name: normalizePypiName(m[1]!),
    ...(pinned ? { version: pinned[1] } : {}),
    ...(constraint ? { constraint } : {}),
    source,
  };
}

/** requirements.txt: one requirement a line; options (`-r`, `--index-url`), URLs and comments skipped. */
export function parseRequirementsTxt(text: string, file: string): Dependency[] {
  const out: Dependency[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-') || /^[a-z+]+:\/\//i.test(line) || line.startsWith('.')) continue;
    const dep = parsePep508(line, `${file}:${i + 1}`);
    if (dep) out.push(dep);
  }
  return out;
}

/** The body of a TOML section (`[project]`), from its header to the next header. */
function tomlSection(lines: string[], name: string): { start: number; end: number } | undefined {
  const start = lines.findIndex((l) => l.trim() === `[${name}]`);
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !/^\s*\[/.test(lines[end]!)) end++;
  return { start: start + 1, end };
}

function tomlStrings(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');
}

/**
 * pyproject.toml: PEP 621 `[project] dependencies = [...]` and Poetry `[tool.poetry.dependencies]`.
 * Only those two shapes are read (a full TOML parser is not needed for them).
 */
export function parsePyproject(text: string, file: string): Dependency[] {
  const lines = text.split(/\r?\n/);
  const out: Dependency[] = [];
  const project = tomlSection(lines, 'project');
  if (project) {
    for (let i = project.start; i < project.end; i++) {
      if (!/^\s*dependencies\s*=\s*\[/.test(lines[i]!)) continue;
      let j = i;
      let body = lines[i]!.slice(lines[i]!.indexOf('[') + 1);
      while (!body.includes(']') && j + 1 < project.end) body += `\n${lines[++j]!.replace(/#.*$/, '')}`;
      // Each string's line number, for the source reference.
      for (let k = i; k <= j; k++)
        for (const s of tomlStrings(lines[k]!.replace(/#.*$/, ''))) {
          const dep = parsePep508(s, `${file}:${k + 1}`);
          if (dep) out.push(dep);
        }
      break;
    }
  }
  const poetry = tomlSection(lines, 'tool.poetry.dependencies');
  if (poetry) {
    for (let i = poetry.start; i < poetry.end; i++) {
      const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*(.+?)\s*$/.exec(lines[i]!.replace(/#.*$/, ''));
      if (!m || m[1]!.toLowerCase() === 'python') continue;
      const raw = m[2]!;
      const constraint = raw.startsWith('{') ? /version\s*=\s*"([^"]*)"/.exec(raw)?.[1] : tomlStrings(raw)[0];
      const pinned = constraint && /^=?=?(\d[A-Za-z0-9.+!_-]*)$/.exec(constraint);
      out.push({
        ecosystem: 'pypi',
        name: normalizePypiName(m[1]!),
        ...(pinned ? { version: pinned[1] } : {}),
        ...(constraint ? { constraint } : {}),
        source: `${file}:${i + 1}`,
      });
    }
  }
  return out;
}

/** package.json: `dependencies` (runtime only; dev tools are not part of what ships with the model). */
export function parsePackageJson(text: string, file: string): Dependency[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BulwarkError('BW_ERR_PARSE', `${file}: not JSON (${(e as Error).message})`);
  }
  const deps = (raw as { dependencies?: unknown })?.dependencies;
  if (deps === undefined) return [];
  if (typeof deps !== 'object' || deps === null || Array.isArray(deps))
    throw new BulwarkError('BW_ERR_PARSE', `${file}: dependencies: expected an object`);
  return Object.entries(deps as Record<string, unknown>)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([name, range]) => ({
      ecosystem: 'npm' as const,
      name,
      ...(/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(range) ? { version: range } : {}),
      constraint: range,
      source: `${file}:dependencies.${name}`,
    }));
}

/** Reads a dependency file, choosing the parser by its name. */
export async function readDependencies(path: string): Promise<Dependency[]> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: no such file`, { cause: e });
  }
  if (size > MAX_DEPS_FILE_BYTES)
    throw new BulwarkError('BW_ERR_PARSE_LIMIT', `${path}: larger than ${MAX_DEPS_FILE_BYTES} bytes`);
  const text = await readFile(path, 'utf8');
  const name = basename(path);
  if (name === 'package.json') return parsePackageJson(text, path);
  if (name.endsWith('.toml')) return parsePyproject(text, path);
  return parseRequirementsTxt(text, path);
}
