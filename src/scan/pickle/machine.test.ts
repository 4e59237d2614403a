import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calleeName, runPickle } from './machine.ts';

const enc = (s: string) => Buffer.from(s, 'latin1');
const su = (s: string) => Buffer.concat([Buffer.from([0x8c, Buffer.byteLength(s)]), Buffer.from(s)]);
const cat = (...xs: (Buffer | number[] | string)[]) =>
  Buffer.concat(xs.map((x) => (typeof x === 'string' ? enc(x) : Buffer.isBuffer(x) ? x : Buffer.from(x))));

describe('symbolic pickle machine', () => {
  it('records GLOBAL + REDUCE with the literal arguments, without importing anything', () => {
    const r = runPickle(enc("cos\nsystem\n(S'echo hi'\ntR."));
    assert.equal(r.globals.length, 1);
    assert.deepEqual([r.globals[0]!.module, r.globals[0]!.name], ['os', 'system']);
    assert.equal(r.calls.length, 1);
    assert.equal(calleeName(r.calls[0]!.callee), 'os.system');
    assert.deepEqual(r.calls[0]!.args, { t: 'tuple', items: [{ t: 'str', v: 'echo hi' }] });
    assert.equal(r.pickles[0]!.end, r.end - 1);
  });

  it('maps Python 2 module names as fix_imports does', () => {
    const r = runPickle(enc('c__builtin__\neval\n.'));
    assert.equal(r.globals[0]!.module, 'builtins');
  });

  it('resolves STACK_GLOBAL operands fetched from the memo', () => {
    const p = cat(
      [0x80, 0x04],
      su('os'),
      [0x94, 0x30],
      su('system'),
      [0x94, 0x30, 0x68, 0, 0x68, 1, 0x93, 0x2e],
    );
    const r = runPickle(p);
    assert.deepEqual(
      [r.globals[0]!.module, r.globals[0]!.name, r.globals[0]!.literal],
      ['os', 'system', true],
    );
  });

  it('marks STACK_GLOBAL operands that are not string literals as dynamic', () => {
    const p = cat([0x80, 0x04, 0x4a, 1, 0, 0, 0], su('system'), [0x93, 0x2e]);
    const r = runPickle(p);
    assert.equal(r.globals[0]!.literal, false);
  });

  it('reports a memo key that was never stored and keeps going', () => {
    const r = runPickle(cat([0x80, 0x02, 0x68, 9, 0x2e]));
    assert.equal(r.issues[0]!.kind, 'malformed');
    assert.match(r.issues[0]!.message, /memo key 9/);
    assert.equal(r.pickles[0]!.end, 4);
  });

  it('walks INST, OBJ, NEWOBJ, NEWOBJ_EX and BUILD', () => {
    const inst = runPickle(enc("(S'x'\nimod\nKlass\n."));
    assert.equal(inst.calls[0]!.op, 'INST');
    const obj = runPickle(cat([0x80, 0x02, 0x28], 'cmod\nK\n', su('a'), [0x6f, 0x30, 0x4e, 0x2e]));
    assert.equal(obj.calls[0]!.op, 'OBJ');
    const newobj = runPickle(cat([0x80, 0x02], 'cmod\nK\n', [0x29, 0x81, 0x7d, 0x62, 0x2e]));
    assert.equal(newobj.calls[0]!.op, 'NEWOBJ');
    assert.equal(newobj.builds.length, 1);
    const ex = runPickle(cat([0x80, 0x04], 'cmod\nK\n', [0x29, 0x7d, 0x92, 0x2e]));
    assert.equal(ex.calls[0]!.op, 'NEWOBJ_EX');
  });

  it('records EXT1/EXT2/EXT4 codes', () => {
    const r = runPickle(cat([0x80, 0x02, 0x82, 7, 0x83, 1, 1, 0x84, 1, 0, 0, 0, 0x2e]));
    assert.deepEqual(
      r.exts.map((e) => e.code),
      [7, 257, 1],
    );
  });

  it('scans every pickle of a concatenated stream and notes trailing data', () => {
    const r = runPickle(cat([0x80, 0x04, 0x5d, 0x2e], "cos\nsystem\n(S'x'\ntR.", [0xff, 0xfe]));
    assert.equal(r.pickles.length, 2);
    assert.equal(r.globals[0]!.name, 'system');
    assert.equal(r.issues.at(-1)!.kind, 'trailing');
  });

  it('decodes every literal opcode of protocols 0-5', () => {
    const p = cat(
      [0x80, 0x05, 0x95, 60, 0, 0, 0, 0, 0, 0, 0, 0x28],
      'I42\nI01\nF1.5\nL7L\n',
      [0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 5, 0x4d, 1, 2, 0x8a, 2, 0x00, 0x01, 0x8b, 1, 0, 0, 0, 0xff],
      [0x47, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0x88, 0x89, 0x4e],
      "S'a\\nb'\n",
      [0x54, 1, 0, 0, 0, 0x41, 0x55, 1, 0x42],
      'Vx\\u00e9\n',
      [0x58, 1, 0, 0, 0, 0x43, 0x8d, 1, 0, 0, 0, 0, 0, 0, 0, 0x44, 0x42, 1, 0, 0, 0, 0x45, 0x43, 1, 0x46],
      [0x8e, 1, 0, 0, 0, 0, 0, 0, 0, 0x47, 0x96, 1, 0, 0, 0, 0, 0, 0, 0, 0x48, 0x98],
      [0x74, 0x8f, 0x28, 0x4b, 1, 0x90, 0x28, 0x4b, 2, 0x91, 0x86, 0x85, 0x2e],
    );
    const r = runPickle(p);
    assert.deepEqual(r.issues, []);
    const top = r.pickles[0]!.value!;
    assert.equal(top.t, 'tuple');
  });

  it('keeps DUP/GET sharing references, so memo doubling cannot exhaust memory', () => {
    // 5,000 rounds of "new list = [prev, prev]": a copying scanner would need 2^5000 nodes.
    const parts: number[] = [0x80, 0x04, 0x5d, 0x94];
    for (let k = 0; k < 5000; k++) parts.push(0x6a, ...u32(k), 0x6a, ...u32(k), 0x86, 0x94);
    parts.push(0x2e);
    const r = runPickle(Buffer.from(parts));
    assert.deepEqual(r.issues, []);
    assert.equal(r.pickles[0]!.end, parts.length - 1);
  });

  it('stops at the opcode limit with a limit issue', () => {
    const parts = Array.from({ length: 10_000 }, () => 0x4e);
    const r = runPickle(Buffer.from([...parts, 0x2e]), 0, { limits: { maxOps: 1000 } });
    assert.equal(r.issues.at(-1)!.kind, 'limit');
  });

  it('reports truncation with the offset of the opcode that ran out', () => {
    const r = runPickle(Buffer.from([0x80, 0x04, 0x58, 0xff, 0xff, 0, 0, 0x41]));
    assert.equal(r.issues[0]!.kind, 'truncated');
    assert.equal(r.issues[0]!.offset, 2);
  });

  it('stops on a GLOBAL name that is not valid UTF-8, as the unpickler does', () => {
    const r = runPickle(Buffer.from([0x63, 0x6d, 0x0a, 0xf8, 0x0a, 0x2e]));
    assert.equal(r.globals.length, 0);
    assert.match(r.issues[0]!.message, /not valid UTF-8/);
  });
});

function u32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
}
