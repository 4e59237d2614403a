import type { Severity } from '../../core/index.ts';
import type { ScanContext } from '../context.ts';
import type { Source } from '../source.ts';
import { type Field, readString, walk, walkMessage } from './protobuf.ts';
import { Cursor, ParseError } from './reader.ts';

/** Ops that run Python or reach the host's files when a graph executes. */
const DANGEROUS_OPS: Record<string, Severity> = {
  PyFunc: 'critical',
  PyFuncStateless: 'critical',
  EagerPyFunc: 'critical',
  ReadFile: 'high',
  WriteFile: 'high',
  MatchingFiles: 'high',
  FileSystemSetConfiguration: 'high',
  DeleteFile: 'high',
  ImmutableConst: 'medium',
  PrintV2: 'low',
};

/**
 * TensorFlow SavedModel (`saved_model.pb`) or frozen GraphDef: every NodeDef in the graph and in
 * the function library is checked against the ops above.
 */
export function scanTensorflow(ctx: ScanContext, src: Source, member?: string): boolean {
  const c = new Cursor(src);
  const found = new Map<string, { count: number; offset: number; names: string[] }>();
  let nodes = 0;
  // A SavedModel has meta_graphs (field 2); a GraphDef has nodes (field 1, length-delimited).
  let kind: 'savedmodel' | 'graphdef' | undefined;
  try {
    walk(
      c,
      src.size,
      0,
      (f) => {
        if (f.no === 2 && f.wire === 2 && kind !== 'graphdef') {
          kind = 'savedmodel';
          metaGraph(f, 1);
        } else if (f.no === 1 && f.wire === 2 && kind !== 'savedmodel') {
          kind = 'graphdef';
          nodeDef(f, 1);
        } else if (f.no === 2 && f.wire === 2) library(f, 1);
        return undefined;
      },
      'SavedModel',
    );
  } catch (e) {
    if (e instanceof ParseError) {
      if (!kind) return false;
      ctx.add('scan.file.unparseable', {
        member,
        offset: e.offset,
        title: `TensorFlow graph could not be parsed: ${e.message}`,
      });
      return true;
    }
    throw e;
  }
  if (!kind || nodes === 0) return false;
  ctx.formats.add(kind === 'savedmodel' ? 'tf-savedmodel' : 'tf-graphdef');
  ctx.recognised = true;
  for (const [op, d] of found)
    ctx.add('scan.tf.dangerous-op', {
      member,
      offset: d.offset,
      severity: DANGEROUS_OPS[op]!,
      title: `TensorFlow graph uses ${op} (${d.count} node(s))`,
      evidence: { op, nodes: d.names },
    });
  return true;

  function metaGraph(f: Field, depth: number): void {
    walkMessage(
      c,
      f,
      depth,
      (g) => {
        if (g.no === 2 && g.wire === 2) graphDef(g, depth + 1);
        return undefined;
      },
      'MetaGraphDef',
    );
  }
  function graphDef(f: Field, depth: number): void {
    walkMessage(
      c,
      f,
      depth,
      (g) => {
        if (g.no === 1 && g.wire === 2) nodeDef(g, depth + 1);
        else if (g.no === 2 && g.wire === 2) library(g, depth + 1);
        return undefined;
      },
      'GraphDef',
    );
  }
  function library(f: Field, depth: number): void {
    walkMessage(
      c,
      f,
      depth,
      (g) => {
        if (g.no === 1 && g.wire === 2) {
          walkMessage(
            c,
            g,
            depth + 1,
            (h) => {
              if (h.no === 3 && h.wire === 2) nodeDef(h, depth + 2);
              return undefined;
            },
            'FunctionDef',
          );
        }
        return undefined;
      },
      'FunctionDefLibrary',
    );
  }
  function nodeDef(f: Field, depth: number): void {
    let name = '';
    let op = '';
    walkMessage(
      c,
      f,
      depth,
      (g) => {
        if (g.wire !== 2) return undefined;
        if (g.no === 1) name = readString(c, g, 1024);
        else if (g.no === 2) op = readString(c, g, 1024);
        return undefined;
      },
      'NodeDef',
    );
    if (!op) return;
    nodes++;
    if (DANGEROUS_OPS[op]) {
      const d = found.get(op) ?? { count: 0, offset: f.start, names: [] };
      d.count++;
      if (d.names.length < 10) d.names.push(name);
      found.set(op, d);
    }
  }
}
