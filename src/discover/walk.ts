/**
 * Walks a repository or models folder: skips dependency, VCS, virtualenv and build folders, never
 * follows symlinks (they can point outside the tree or loop), stops at a file limit, and treats a
 * TensorFlow SavedModel folder as one artifact instead of descending into it.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Folder names never worth walking: dependencies, VCS data, caches and build output. */
export const SKIP_DIRS = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  '.git',
  '.hg',
  '.svn',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '__pycache__',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  'site-packages',
  'dist',
  'build',
  'target',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.parcel-cache',
  '.gradle',
  '.cache',
  'coverage',
  '.bulwark',
]);

const PROJECT_MANIFESTS = new Set([
  'package.json',
  'pyproject.toml',
  'setup.py',
  'setup.cfg',
  'requirements.txt',
  'Pipfile',
  'environment.yml',
  'go.mod',
  'Cargo.toml',
  'pom.xml',
  'build.gradle',
]);

export interface WalkLimits {
  maxFiles: number;
  maxDepth: number;
  /** Extra file or folder names (or relative paths) to skip. */
  ignore: string[];
}

export interface WalkResult {
  /** Regular files, relative to the root with `/` separators, in walk order. */
  files: string[];
  /** Folders that hold a TensorFlow SavedModel (`saved_model.pb`), relative; `''` for the root. */
  savedModels: string[];
  /** Folders with a project manifest (package.json, pyproject.toml …), relative; `''` for the root. */
  projects: Map<string, string[]>;
  unreadable: Array<{ path: string; error: string }>;
  skippedDirs: number;
  symlinks: number;
  /** True when `maxFiles` cut the walk short. */
  truncated: boolean;
}

function isVirtualEnv(entries: Dirent[]): boolean {
  return entries.some((e) => e.name === 'pyvenv.cfg' || e.name === 'conda-meta');
}

export async function walk(root: string, limits: WalkLimits): Promise<WalkResult> {
  const res: WalkResult = {
    files: [],
    savedModels: [],
    projects: new Map(),
    unreadable: [],
    skippedDirs: 0,
    symlinks: 0,
    truncated: false,
  };
  const ignore = new Set(limits.ignore);
  async function visit(rel: string, depth: number): Promise<void> {
    if (res.truncated) return;
    let entries: Dirent[];
    try {
      entries = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch (e) {
      res.unreadable.push({
        path: rel || '.',
        error: (e as NodeJS.ErrnoException).code ?? (e as Error).message,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (rel !== '' && isVirtualEnv(entries)) {
      res.skippedDirs++;
      return;
    }
    if (entries.some((e) => e.isFile() && (e.name === 'saved_model.pb' || e.name === 'saved_model.pbtxt'))) {
      res.savedModels.push(rel);
      return;
    }
    const manifests = entries.filter((e) => e.isFile() && PROJECT_MANIFESTS.has(e.name)).map((e) => e.name);
    if (manifests.length > 0) res.projects.set(rel, manifests);
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (ignore.has(e.name) || ignore.has(child)) continue;
      if (e.isSymbolicLink()) {
        res.symlinks++;
        continue;
      }
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || depth >= limits.maxDepth) {
          res.skippedDirs++;
          continue;
        }
        await visit(child, depth + 1);
        if (res.truncated) return;
      } else if (e.isFile()) {
        if (res.files.length >= limits.maxFiles) {
          res.truncated = true;
          return;
        }
        res.files.push(child);
      }
    }
  }
  await visit('', 0);
  return res;
}
