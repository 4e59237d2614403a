import type { ScanContext } from '../context.ts';
import type { Source } from '../source.ts';
import { type Field, readString, walk, walkMessage } from './protobuf.ts';
import { Cursor, ParseError } from './reader.ts';

/** Operator domains ONNX runtimes ship natively. */
const STANDARD_DOMAINS = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.training',
  'ai.onnx.preview.training',
  'com.microsoft',
  'com.microsoft.nchwc',
  'com.microsoft.experimental',
  'org.pytorch.aten',
]);
const PYTHON_OPS = /^(PyOp|PythonOp|PyFunc|PyCustomOp)$/i;
const PYTHON_DOMAINS = /python|extensions|contrib/i;
const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan']);

interface Stats {
  nodes: number;
  controlFlow: Map<string, number>;
  customDomains: Map<string, { ops: Set<string>; offset: number }>;
}

/** True when the bytes parse as an ONNX ModelProto with a graph. */
export function looksLikeOnnx(src: Source): boolean {
  const c = new Cursor(src, 0, 4096);
  let graph = false;
  let ir = false;
  try {
    walk(c, Math.min(src.size, 1 << 30), 0, (f) => {
      if (f.no === 1 && f.wire === 0) ir = true;
      if (f.no === 7 && f.wire === 2) graph = true;
      return undefined;
    });
  } catch {
    return false;
  }
  return graph && ir;
}

export function scanOnnx(ctx: ScanContext, src: Source, member?: string): void {
  ctx.formats.add('onnx');
  const c = new Cursor(src);
  const stats: Stats = { nodes: 0, controlFlow: new Map(), customDomains: new Map() };
  try {
    walk(
      c,
      src.size,
      0,
      (f) => {
        if (f.no === 7 && f.wire === 2) graph(f, 1);
        else if (f.no === 25 && f.wire === 2) func(f, 1);
        return undefined;
      },
      'ModelProto',
    );
  } catch (e) {
    if (e instanceof ParseError) {
      ctx.add('scan.file.unparseable', {
        member,
        offset: e.offset,
        title: `ONNX model could not be parsed: ${e.message}`,
      });
      return;
    }
    throw e;
  }
  ctx.recognised = true;
  for (const [domain, d] of stats.customDomains) {
    const python = PYTHON_DOMAINS.test(domain) || [...d.ops].some((o) => PYTHON_OPS.test(o));
    ctx.add('scan.onnx.custom-op', {
      member,
      offset: d.offset,
      ...(python ? { severity: 'high' as const } : {}),
      title: `ONNX model uses ${python ? 'Python operators' : 'custom operators'} in domain ${JSON.stringify(domain)}: ${[...d.ops].slice(0, 5).join(', ')}`,
      evidence: { domain, ops: [...d.ops].slice(0, 20) },
    });
  }
  if (stats.controlFlow.size > 0)
    ctx.add('scan.onnx.control-flow', {
      member,
      title: `ONNX graph has control-flow subgraphs (${[...stats.controlFlow].map(([k, v]) => `${v} ${k}`).join(', ')})`,
      evidence: Object.fromEntries(stats.controlFlow),
    });

  function graph(f: Field, depth: number): void {
    const end = f.start + f.len;
    c.pos = f.start;
    walk(
      c,
      end,
      depth,
      (g) => {
        if (g.wire !== 2) return undefined;
        if (g.no === 1) node(g, depth + 1);
        else if (g.no === 5 || g.no === 15) tensor(g, depth + 1);
        return undefined;
      },
      'GraphProto',
    );
  }

  function func(f: Field, depth: number): void {
    walkMessage(
      c,
      f,
      depth,
      (g) => {
        if (g.no === 7 && g.wire === 2) node(g, depth + 1);
        return undefined;
      },
      'FunctionProto',
    );
  }

  function node(f: Field, depth: number): void {
    if (!ctx.timeLeft(member ?? '')) throw new ParseError('time limit reached', f.start);
    stats.nodes++;
    let op = '';
    let domain = '';
    const subgraphs: Field[] = [];
    const attrs: Field[] = [];
    walkMessage(
      c,
      f,
      depth,
      (g) => {
        if (g.wire !== 2) return undefined;
        if (g.no === 4) op = readString(c, g, 4096);
        else if (g.no === 7) domain = readString(c, g, 4096);
        else if (g.no === 5) attrs.push(g);
        return undefined;
      },
      'NodeProto',
    );
    for (const a of attrs) {
      walkMessage(
        c,
        a,
        depth + 1,
        (g) => {
          if (g.wire === 2 && (g.no === 6 || g.no === 11)) subgraphs.push(g);
          else if (g.wire === 2 && (g.no === 5 || g.no === 10)) tensor(g, depth + 2);
          return undefined;
        },
        'AttributeProto',
      );
    }
    if (CONTROL_FLOW.has(op) && (domain === '' || domain === 'ai.onnx'))
      stats.controlFlow.set(op, (stats.controlFlow.get(op) ?? 0) + 1);
    if (!STANDARD_DOMAINS.has(domain) || PYTHON_OPS.test(op)) {
      const d = stats.customDomains.get(domain) ?? { ops: new Set<string>(), offset: f.start };
      if (d.ops.size < 50) d.ops.add(op);
      stats.customDomains.set(domain, d);
    }
    for (const s of subgraphs) graph(s, depth + 2);
  }

  function tensor(f: Field, depth: number): void {
    let name = '';
    const ext: Field[] = [];
    walkMessage(
      c,
      f,
      depth,
      (g) => {
        if (g.wire === 2 && g.no === 8) name = readString(c, g, 4096);
        else if (g.wire === 2 && g.no === 13) ext.push(g);
        return undefined;
      },
      'TensorProto',
    );
    for (const e of ext) {
      let key = '';
      let value = '';
      walkMessage(
        c,
        e,
        depth + 1,
        (g) => {
          if (g.wire === 2 && g.no === 1) key = readString(c, g, 4096);
          else if (g.wire === 2 && g.no === 2) value = readString(c, g, 4096);
          return undefined;
        },
        'StringStringEntryProto',
      );
      if (key !== 'location') continue;
      const parts = value.split(/[\\/]+/);
      if (
        value.startsWith('/') ||
        value.startsWith('\\') ||
        /^[a-zA-Z]:/.test(value) ||
        parts.includes('..') ||
        value.includes('\0')
      )
        ctx.add('scan.onnx.external-data-traversal', {
          member,
          offset: e.start,
          title: `ONNX tensor ${JSON.stringify(name)} reads external data from ${JSON.stringify(value)}`,
          evidence: { tensor: name, location: value },
        });
    }
  }
}
