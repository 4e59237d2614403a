import type { Source } from '../source.ts';

/** A tar reader (ustar, GNU long names, pax paths), reading headers only; data stays on disk. */
export interface TarEntry {
  name: string;
  type: string;
  size: number;
  dataOffset: number;
  linkName: string;
}

const latin = new TextDecoder('latin1');

function cstr(b: Uint8Array): string {
  const z = b.indexOf(0);
  return latin.decode(z >= 0 ? b.subarray(0, z) : b);
}

function octal(b: Uint8Array): number {
  if (b[0]! & 0x80) {
    // GNU base-256 for sizes past 8 GiB.
    let v = 0;
    for (let i = 1; i < b.length; i++) v = v * 256 + b[i]!;
    return v;
  }
  const s = cstr(b).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return Number.NaN;
  return Number.parseInt(s, 8);
}

export function looksLikeTar(head: Uint8Array): boolean {
  if (head.length < 512) return false;
  const magic = latin.decode(head.subarray(257, 262));
  if (magic === 'ustar') return true;
  // Old (v7) tar: a checksum that matches the header.
  const sum = octal(head.subarray(148, 156));
  if (!Number.isFinite(sum) || sum === 0) return false;
  let s = 0;
  for (let i = 0; i < 512; i++) s += i >= 148 && i < 156 ? 32 : head[i]!;
  return s === sum;
}

export function listTar(src: Source, maxMembers: number): { entries: TarEntry[]; problems: string[] } {
  const entries: TarEntry[] = [];
  const problems: string[] = [];
  let off = 0;
  let longName: string | undefined;
  let paxPath: string | undefined;
  while (off + 512 <= src.size) {
    const h = src.read(off, 512);
    if (h.every((x) => x === 0)) break;
    const size = octal(h.subarray(124, 136));
    if (!Number.isFinite(size) || size < 0) {
      problems.push(`bad size field in the header at offset ${off}`);
      break;
    }
    const type = String.fromCharCode(h[156] || 0x30);
    const dataOffset = off + 512;
    if (dataOffset + size > src.size)
      problems.push(`member at offset ${off} extends past the end of the archive`);
    if (type === 'L') longName = cstr(src.read(dataOffset, Math.min(size, 65536)));
    else if (type === 'x') {
      const pax = latin.decode(src.read(dataOffset, Math.min(size, 65536)));
      const m = /\d+ path=([^\n]*)\n/.exec(pax);
      if (m) paxPath = m[1];
    } else {
      const prefix = latin.decode(h.subarray(257, 262)) === 'ustar' ? cstr(h.subarray(345, 500)) : '';
      const base = cstr(h.subarray(0, 100));
      const name = paxPath ?? longName ?? (prefix ? `${prefix}/${base}` : base);
      longName = undefined;
      paxPath = undefined;
      if (entries.length >= maxMembers) {
        problems.push(`more than ${maxMembers} members`);
        break;
      }
      entries.push({ name, type, size, dataOffset, linkName: cstr(h.subarray(157, 257)) });
    }
    off = dataOffset + Math.ceil(size / 512) * 512;
  }
  return { entries, problems };
}
