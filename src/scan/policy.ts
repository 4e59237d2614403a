import builtinJson from './policy/builtin.json' with { type: 'json' };

/**
 * The pickle policy as data: a versioned JSON file, overridable per project with `--policy`. These are
 * the plain types and the compiler; validating a policy file from outside (the zod schema, `--policy`)
 * is in policy-file.ts, so a scan with the built-in policy loads no schema library.
 */
export interface PolicyFile {
  $schema?: string;
  name: string;
  version: string;
  description?: string;
  /** `builtin` to add to the default policy instead of replacing it. */
  extends?: 'builtin';
  allow: string[];
  denyWithinAllowed: string[];
  /** Names never covered by a module-wide allow (`sklearn.*` must not allow a re-exported `load`). */
  prefixAllowExcept: string[];
  dangerous: Record<string, string[]>;
  strictPackages: string[];
  aliases: Record<string, string>;
  nestedLoaders: Record<string, { arg: number }>;
  suspiciousArgumentPatterns: string[];
}

/** A policy document as written: the lists and maps may be left out (they default to empty). */
export interface PolicyFileInput {
  $schema?: string;
  name: string;
  version: string;
  description?: string;
  extends?: 'builtin';
  allow?: string[];
  denyWithinAllowed?: string[];
  prefixAllowExcept?: string[];
  dangerous?: Record<string, string[]>;
  strictPackages?: string[];
  aliases?: Record<string, string>;
  nestedLoaders?: Record<string, { arg: number }>;
  suspiciousArgumentPatterns?: string[];
}

export type Verdict =
  | { kind: 'allow'; canonical: string }
  | { kind: 'dangerous'; canonical: string; category: string; matched: string; viaAlias: boolean }
  | { kind: 'sensitive'; canonical: string; reason: string }
  | { kind: 'unknown'; canonical: string };

export interface Policy {
  name: string;
  version: string;
  classify(module: string, name: string): Verdict;
  nestedLoader(canonical: string): { arg: number } | undefined;
  suspiciousArgument(s: string): string | undefined;
  /** The document it was compiled from: plain data, so another thread can compile the same policy. */
  readonly source: PolicyFile;
}

interface Patterns {
  exact: Set<string>;
  prefixes: string[];
}

function patterns(list: string[]): Patterns {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of list) {
    if (p.endsWith('.*')) prefixes.push(p.slice(0, -2));
    else exact.add(p);
  }
  return { exact, prefixes };
}

function matchesPrefix(prefixes: string[], s: string): string | undefined {
  for (const p of prefixes) if (s === p || s.startsWith(`${p}.`)) return `${p}.*`;
  return undefined;
}

function combine(patterns: string[]): RegExp | undefined {
  if (patterns.length < 2 || patterns.some((p) => /\\[1-9k]/.test(p))) return undefined;
  try {
    return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), 'i');
  } catch {
    return undefined;
  }
}

export function compilePolicy(file: PolicyFile): Policy {
  const allow = patterns(file.allow);
  const denyAllowed = patterns(file.denyWithinAllowed);
  const dangerous = Object.entries(file.dangerous).map(([category, list]) => ({
    category,
    ...patterns(list),
  }));
  const strict = new Set(file.strictPackages);
  const prefixExcept = new Set(file.prefixAllowExcept);
  const suspicious = file.suspiciousArgumentPatterns.map((p) => new RegExp(p, 'i'));
  // One pass over each string for the usual answer (no pattern matches); the patterns are then tried
  // one by one only for a string that matches some. Patterns with backreferences keep per-pattern tests.
  const anySuspicious = combine(file.suspiciousArgumentPatterns);

  // Every dotted prefix of a name, looked up in one map: `os.path.join` checks `os`, `os.path`, ….
  const exactIndex = new Map<string, string>();
  const prefixIndex = new Map<string, string>();
  for (const d of dangerous) {
    for (const e of d.exact) if (!exactIndex.has(e)) exactIndex.set(e, d.category);
    for (const p of d.prefixes) if (!prefixIndex.has(p)) prefixIndex.set(p, d.category);
  }
  function dangerousMatch(candidate: string): { category: string; matched: string } | undefined {
    let dot = candidate.indexOf('.');
    for (;;) {
      const head = dot < 0 ? candidate : candidate.slice(0, dot);
      const p = prefixIndex.get(head);
      if (p) return { category: p, matched: `${head}.*` };
      // An attribute of a dangerous callable (`builtins.getattr.__call__`) is as dangerous.
      const e = exactIndex.get(head);
      if (e) return { category: e, matched: head };
      if (dot < 0) return undefined;
      dot = candidate.indexOf('.', dot + 1);
    }
  }

  // Verdicts are pure functions of (module, name) and read-only: remember them across files. Bounded,
  // since names come from untrusted pickles.
  const verdicts = new Map<string, Map<string, Verdict>>();
  let remembered = 0;
  const MAX_VERDICTS = 4096;

  return {
    name: file.name,
    version: file.version,
    source: file,
    classify(module, name) {
      let byName = verdicts.get(module);
      let v = byName?.get(name);
      if (v !== undefined) return v;
      v = classifyOnce(module, name);
      if (remembered >= MAX_VERDICTS) {
        verdicts.clear();
        remembered = 0;
        byName = undefined;
      }
      if (!byName) {
        byName = new Map();
        verdicts.set(module, byName);
      }
      byName.set(name, v);
      remembered++;
      return v;
    },
    nestedLoader(canonical) {
      return file.nestedLoaders[canonical];
    },
    suspiciousArgument(s) {
      if (anySuspicious && !anySuspicious.test(s)) return undefined;
      for (const r of suspicious) if (r.test(s)) return r.source;
      return undefined;
    },
  };

  function classifyOnce(module: string, name: string): Verdict {
    const canonical = `${module}.${name}`;
    const dotted = name.includes('.');
    const denied =
      denyAllowed.exact.has(canonical) || matchesPrefix(denyAllowed.prefixes, canonical) !== undefined;
    if (!denied) {
      if (allow.exact.has(canonical)) return { kind: 'allow', canonical };
      // Module-wide allows cover classes and functions defined in the module, not attribute paths.
      if (!dotted && !prefixExcept.has(name) && matchesPrefix(allow.prefixes, module))
        return { kind: 'allow', canonical };
    }
    // find_class walks `name` with getattr at protocol >= 4, so `pathlib` + `os.system` is os.system:
    // test every suffix of the dotted path, after mapping known private aliases (`tempfile._os`).
    const parts = canonical.split('.').map((p) => file.aliases[p] ?? p);
    const aliased = parts.join('.');
    // The deepest match is the object find_class really returns (`tempfile._os.system` is os.system).
    for (let k = parts.length - 2; k >= 0; k--) {
      const candidate = parts.slice(k).join('.');
      const m = dangerousMatch(candidate);
      if (m) return { kind: 'dangerous', canonical, ...m, viaAlias: k > 0 || aliased !== canonical };
    }
    const top = module.split('.')[0]!;
    if (strict.has(top)) return { kind: 'sensitive', canonical, reason: `${top} is a sensitive package` };
    if (dotted) return { kind: 'sensitive', canonical, reason: 'attribute path through a module' };
    return { kind: 'unknown', canonical };
  }
}

/**
 * The built-in policy is data shipped with Bulwark, not input: it is compiled as it is (policy.test.ts
 * checks that it passes the file schema unchanged).
 */
export const BUILTIN_POLICY_FILE: PolicyFile = builtinJson;
export const BUILTIN_POLICY: Policy = compilePolicy(BUILTIN_POLICY_FILE);
