import { createHash, createHmac } from 'node:crypto';
import { canonicalJson } from '../core/index.ts';

/**
 * The audit log is a hash chain: each entry's hash covers its content and the previous entry's hash.
 * With an audit key (BULWARK_AUDIT_KEY or `<home>/audit.key`) the chain is an HMAC, so someone who can
 * write the database but not read the key cannot rebuild a consistent chain after editing it.
 * `seq` is deliberately outside the hash: the order is proven by the links, so a reorder shows as a
 * broken link rather than as an edit.
 */
export interface AuditEntry {
  seq: number;
  id: string;
  ts: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export const GENESIS = '0'.repeat(64);

export function entryHash(
  prevHash: string,
  e: Omit<AuditEntry, 'seq' | 'hash' | 'prevHash'>,
  key?: Buffer,
): string {
  const body = canonicalJson({
    prev: prevHash,
    id: e.id,
    ts: e.ts,
    actor: e.actor,
    action: e.action,
    target: e.target,
    details: e.details,
  });
  return key
    ? createHmac('sha256', key).update(body).digest('hex')
    : createHash('sha256').update(body).digest('hex');
}

export type AuditProblem = 'edited' | 'deleted' | 'reordered';

export interface AuditVerifyResult {
  ok: boolean;
  entries: number;
  /** The first entry at which the chain breaks, and how. */
  firstBad?: { seq: number; id: string; problem: AuditProblem; detail: string };
  headHash: string;
}

/** Walks entries in `seq` order and reports the first that was edited, deleted or reordered. */
export function verifyChain(entries: AuditEntry[], key?: Buffer): AuditVerifyResult {
  const bySeq = [...entries].sort((a, b) => a.seq - b.seq);
  const seqOfHash = new Map(bySeq.map((e) => [e.hash, e.seq]));
  let prev = GENESIS;
  let expectedSeq = 1;
  for (const e of bySeq) {
    const bad = (problem: AuditProblem, detail: string): AuditVerifyResult => ({
      ok: false,
      entries: bySeq.length,
      firstBad: { seq: e.seq, id: e.id, problem, detail },
      headHash: prev,
    });
    if (entryHash(e.prevHash, e, key) !== e.hash) {
      return bad('edited', `entry ${e.seq} (${e.action}) does not match its hash: its content was changed`);
    }
    if (e.seq !== expectedSeq) {
      return bad('deleted', `entries ${expectedSeq}..${e.seq - 1} are missing before entry ${e.seq}`);
    }
    if (e.prevHash !== prev) {
      const other = seqOfHash.get(e.prevHash);
      if (other !== undefined) {
        return bad(
          'reordered',
          `entry ${e.seq} follows entry ${other} in the chain but sits after entry ${e.seq - 1}`,
        );
      }
      return bad(
        'deleted',
        `the entry that preceded entry ${e.seq} is missing (its link points to an unknown hash)`,
      );
    }
    prev = e.hash;
    expectedSeq++;
  }
  return { ok: true, entries: bySeq.length, headHash: prev };
}
