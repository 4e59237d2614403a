import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Io } from '../cli/output.ts';

/** A temp directory removed by the returned cleanup. */
export async function tempDir(prefix = 'bw-sign-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a small model tree whose names exercise path-component ordering (`a/b` < `a.b` < `a0`). */
export async function writeModel(dir: string): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"architectures":["BertModel"],"model_type":"bert"}\n'),
    'a/b': Buffer.from('nested file\n'),
    'a.b': Buffer.from('dotted file\n'),
    a0: Buffer.from('zero\n'),
    'weights/model-00001.safetensors': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) & 0xff)),
    'weights/empty.bin': Buffer.alloc(0),
  };
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), data);
  }
  return files;
}

export function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    color: false,
    isTTY: false,
    stdout: () => out,
    stderr: () => err,
  };
}
