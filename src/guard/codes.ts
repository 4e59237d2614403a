// The guard's per-character loops (shape of a text, hashed features, keyword scan, tokens, secret
// pre-check) read UTF-16 code units from a typed array instead of calling charCodeAt: V8 re-checks
// the string's representation (sliced, cons, one- or two-byte) on every charCodeAt, which cost more
// than the loops' own work. One native copy per text (Buffer#write, about 0.1 µs per KB) pays for it.

/** A reusable buffer of code units: `load` overwrites it, so each caller that loops keeps its own. */
export class CodeUnits {
  private bytes = Buffer.allocUnsafeSlow(4096);
  private units = new Uint16Array(this.bytes.buffer, 0, 2048);

  /**
   * The code units of `text` (exactly `text.length` of them, lone surrogates included) at the start
   * of the returned array, which is valid until the next `load` on this buffer.
   */
  load(text: string): Uint16Array {
    if (text.length > this.units.length) {
      let n = this.units.length;
      while (n < text.length) n *= 2;
      this.bytes = Buffer.allocUnsafeSlow(2 * n);
      this.units = new Uint16Array(this.bytes.buffer, 0, n);
    }
    this.bytes.write(text, 0, 'utf16le');
    return this.units;
  }
}
