/** NumPy .npy header: magic, version, little-endian header length, a Python dict literal. */
export interface NpyHeader {
  version: number;
  descr: string;
  shape: number[];
  fortran: boolean;
  /** Offset of the array data (or of the pickle, for object arrays). */
  dataOffset: number;
  hasObject: boolean;
}

export function parseNpyHeader(b: Uint8Array): NpyHeader | { error: string } {
  if (b.length < 10) return { error: 'npy header is truncated' };
  const major = b[6]!;
  let len: number;
  let start: number;
  if (major === 1) {
    len = b[8]! | (b[9]! << 8);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (b.length < 12) return { error: 'npy header is truncated' };
    len = (b[8]! | (b[9]! << 8) | (b[10]! << 16) | (b[11]! << 24)) >>> 0;
    start = 12;
  } else return { error: `unsupported npy version ${major}` };
  if (start + len > b.length) return { error: `npy header declares ${len} bytes, past the end of the data` };
  const text = Buffer.from(b.subarray(start, start + len)).toString(major === 3 ? 'utf8' : 'latin1');
  const descrM = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  const fortranM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  // A structured dtype is a list of fields: it holds objects when any field is 'O'.
  const listDescr = /['"]descr['"]\s*:\s*\[/.test(text);
  if ((!descrM && !listDescr) || !shapeM || !fortranM)
    return { error: 'npy header lacks descr, shape or fortran_order' };
  const shape = shapeM[1]!
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0))
    return { error: 'npy shape is not a tuple of integers' };
  const descr = descrM?.[2] ?? '<structured>';
  const hasObject = listDescr ? /['"][|<>=]?O\d*['"]/.test(text) : /^[|<>=]?O/.test(descr);
  return {
    version: major,
    descr,
    shape,
    fortran: fortranM[1] === 'True',
    dataOffset: start + len,
    hasObject,
  };
}

export function dtypeItemSize(descr: string): number | undefined {
  const m = /^[|<>=]?([bBiufcmMSUVa?])(\d*)$/.exec(descr);
  if (!m) return undefined;
  const n = m[2] ? Number(m[2]) : 1;
  return m[1] === 'U' ? n * 4 : n;
}
