/**
 * Reads what discovery needs from one file, within bounds: the head and tail for sniffing, the zip
 * central directory when the file is a zip, a whole safetensors header, and the text of source and
 * config files up to a size limit.
 */
import { open } from 'node:fs/promises';
import { languageOf, type Language } from './code.ts';
import { safetensorsHeaderLength, type Sniffed, sniff } from './sniff.ts';
import { findCentralDirectory, isZip, listCentralDirectory, listLocalHeaders } from './zip.ts';

const HEAD = 64 * 1024;
const TAIL = 64 * 1024 + 22;
const MAX_CENTRAL_DIRECTORY = 8 * 1024 * 1024;
const MAX_SAFETENSORS_READ = 16 * 1024 * 1024;

export interface FileReport {
  size: number;
  sniffed?: Sniffed;
  /** The start of the file, kept when it is small enough to tell a Git LFS pointer. */
  head: Uint8Array;
  language?: Language | 'notebook';
  text?: string;
  /** The text was cut at the size limit. */
  textTruncated?: boolean;
}

async function readAt(
  fh: Awaited<ReturnType<typeof open>>,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

function looksBinary(b: Uint8Array): boolean {
  return b.subarray(0, 8192).includes(0);
}

export async function inspectFile(abs: string, rel: string, maxTextBytes: number): Promise<FileReport> {
  const fh = await open(abs, 'r');
  try {
    const st = await fh.stat();
    const size = st.size;
    let head = await readAt(fh, 0, Math.min(size, HEAD));
    const tail =
      size <= head.length ? head : await readAt(fh, size - Math.min(size, TAIL), Math.min(size, TAIL));
    let zipNames: string[] | undefined;
    if (isZip(head)) {
      const cd = findCentralDirectory(tail, size);
      zipNames =
        cd && cd.size <= MAX_CENTRAL_DIRECTORY
          ? listCentralDirectory(await readAt(fh, cd.offset, cd.size))
          : listLocalHeaders(head);
    } else {
      const n = safetensorsHeaderLength(head, size);
      if (n !== undefined && 8 + n > head.length && 8 + n <= MAX_SAFETENSORS_READ)
        head = await readAt(fh, 0, 8 + n);
    }
    const sniffed = sniff({ name: rel, head, tail, size, ...(zipNames ? { zipNames } : {}) });
    const report: FileReport = { size, head: head.subarray(0, 512), ...(sniffed ? { sniffed } : {}) };
    const language = languageOf(rel);
    if (!sniffed && language && !looksBinary(head)) {
      const take = Math.min(size, maxTextBytes);
      const bytes = take <= head.length ? head.subarray(0, take) : await readAt(fh, 0, take);
      report.language = language;
      report.text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      report.textTruncated = size > take;
    }
    return report;
  } finally {
    await fh.close();
  }
}
