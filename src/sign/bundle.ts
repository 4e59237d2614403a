import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { BulwarkError } from '../core/index.ts';
import { algorithmOf, pemFingerprint, publicKeyPemOf, signBytes, verifyBytes } from './keys.ts';
import {
  type ManifestResource,
  type ModelManifest,
  parseResourceName,
  rootDigestOf,
  type Serialization,
} from './manifest.ts';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const MODEL_SIGNING_PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
/** keyid prefix that marks the optional post-quantum signature in the DSSE envelope. */
export const PQ_KEYID_PREFIX = 'ml-dsa-65:';
/** Largest signature file read: a manifest of ~100k files fits well inside. */
export const MAX_BUNDLE_BYTES = 64 * 1024 * 1024;

/** DSSE v1 pre-authentication encoding: what every signature in the envelope covers. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

export interface DsseSignature {
  sig: string;
  keyid?: string;
}

export interface SigstoreBundle {
  mediaType: string;
  verificationMaterial: { publicKey: { hint: string }; tlogEntries: unknown[] };
  dsseEnvelope: { payload: string; payloadType: string; signatures: DsseSignature[] };
}

export interface InTotoStatement {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: {
    serialization: Serialization;
    resources: { name: string; algorithm: string; digest: string }[];
    [extra: string]: unknown;
  };
}

/** The in-toto statement for a manifest, field by field as model_signing v1.0 writes it. */
export function manifestToStatement(m: ModelManifest): InTotoStatement {
  const serialization = { ...m.serialization };
  // model_signing omits ignore_paths when there are none.
  if (serialization.ignore_paths && serialization.ignore_paths.length === 0)
    delete serialization.ignore_paths;
  return {
    _type: IN_TOTO_STATEMENT_TYPE,
    subject: [{ name: m.modelName, digest: { sha256: m.rootDigest } }],
    predicateType: MODEL_SIGNING_PREDICATE_TYPE,
    predicate: {
      serialization,
      resources: m.resources.map((r) => ({ name: r.name, algorithm: 'sha256', digest: r.sha256 })),
    },
  };
}

const HEX64 = /^[0-9a-f]{64}$/;
const SerializationSchema = z.looseObject({
  method: z.enum(['files', 'shards']),
  hash_type: z.literal('sha256'),
  allow_symlinks: z.boolean(),
  shard_size: z.number().int().positive().optional(),
  ignore_paths: z.array(z.string()).optional(),
});
const StatementSchema = z.object({
  _type: z.literal(IN_TOTO_STATEMENT_TYPE),
  subject: z
    .array(z.looseObject({ name: z.string(), digest: z.looseObject({ sha256: z.string().regex(HEX64) }) }))
    .length(1),
  predicateType: z.literal(MODEL_SIGNING_PREDICATE_TYPE),
  predicate: z.looseObject({
    serialization: SerializationSchema,
    resources: z.array(
      z.looseObject({ name: z.string(), algorithm: z.literal('sha256'), digest: z.string().regex(HEX64) }),
    ),
  }),
});

function zodWhere(prefix: string, error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${prefix}${path}: ${issue.message}`;
}

/** Reads a verified statement back into a manifest, checking the subject digest against the resources. */
export function statementToManifest(payload: Buffer, where: string): ModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch (e) {
    throw new BulwarkError('BW_ERR_PARSE', `${where}: payload is not JSON (${(e as Error).message})`);
  }
  const parsed = StatementSchema.safeParse(raw);
  if (!parsed.success) throw new BulwarkError('BW_ERR_PARSE', zodWhere(`${where}: payload`, parsed.error));
  const st = parsed.data;
  const ser = st.predicate.serialization;
  if (ser.method === 'shards' && ser.shard_size === undefined)
    throw new BulwarkError('BW_ERR_PARSE', `${where}: payload.predicate.serialization.shard_size: missing`);
  const serialization: Serialization =
    ser.method === 'files'
      ? {
          method: 'files',
          hash_type: 'sha256',
          allow_symlinks: ser.allow_symlinks,
          ignore_paths: ser.ignore_paths ?? [],
        }
      : {
          method: 'shards',
          hash_type: 'sha256',
          shard_size: ser.shard_size!,
          allow_symlinks: ser.allow_symlinks,
          ignore_paths: ser.ignore_paths ?? [],
        };
  const resources: ManifestResource[] = st.predicate.resources.map((r, i) => {
    try {
      return { ...parseResourceName(r.name, ser.method), sha256: r.digest };
    } catch (e) {
      throw new BulwarkError(
        'BW_ERR_PARSE',
        `${where}: payload.predicate.resources[${i}]: ${(e as Error).message}`,
      );
    }
  });
  const rootDigest = rootDigestOf(resources);
  const expected = st.subject[0]!.digest.sha256;
  if (rootDigest !== expected) {
    throw new BulwarkError(
      'BW_ERR_VALIDATION',
      `${where}: manifest is inconsistent: subject digest ${expected} but the resources hash to ${rootDigest}`,
    );
  }
  return { modelName: st.subject[0]!.name, serialization, resources, rootDigest };
}

/**
 * Signs a statement into a Sigstore bundle (v0.3) holding a DSSE envelope. The classic signature is
 * always first: model_signing verifiers read `signatures[0]`. An ML-DSA-65 key adds a second one.
 */
export function signStatement(statement: InTotoStatement, key: KeyObject, pqKey?: KeyObject): SigstoreBundle {
  const alg = algorithmOf(key);
  if (alg === 'ml-dsa-65')
    throw new BulwarkError(
      'BW_ERR_VALIDATION',
      'the primary key must be ECDSA or Ed25519; pass the ML-DSA-65 key as the post-quantum key',
    );
  if (pqKey && algorithmOf(pqKey) !== 'ml-dsa-65')
    throw new BulwarkError('BW_ERR_VALIDATION', 'the post-quantum key must be ML-DSA-65');
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const signed = pae(IN_TOTO_PAYLOAD_TYPE, payload);
  const signatures: DsseSignature[] = [{ sig: signBytes(key, signed).toString('base64'), keyid: '' }];
  if (pqKey) {
    signatures.push({
      sig: signBytes(pqKey, signed).toString('base64'),
      keyid: PQ_KEYID_PREFIX + pemFingerprint(publicKeyPemOf(pqKey)),
    });
  }
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: pemFingerprint(publicKeyPemOf(key)) }, tlogEntries: [] },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType: IN_TOTO_PAYLOAD_TYPE, signatures },
  };
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BundleSchema = z.looseObject({
  mediaType: z.string(),
  verificationMaterial: z.looseObject({
    publicKey: z.looseObject({ hint: z.string().optional() }).optional(),
    tlogEntries: z.array(z.unknown()).optional(),
  }),
  dsseEnvelope: z.looseObject({
    payload: z.string().regex(B64, 'not base64'),
    payloadType: z.string(),
    signatures: z
      .array(z.looseObject({ sig: z.string().regex(B64, 'not base64'), keyid: z.string().optional() }))
      .min(1),
  }),
});

/** Parses a signature file's text (bounded), naming the field that is wrong. */
export function parseBundle(text: string, where: string): SigstoreBundle {
  if (text.length > MAX_BUNDLE_BYTES)
    throw new BulwarkError('BW_ERR_PARSE_LIMIT', `${where}: signature larger than ${MAX_BUNDLE_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BulwarkError('BW_ERR_PARSE', `${where}: not JSON (${(e as Error).message})`);
  }
  const parsed = BundleSchema.safeParse(raw);
  if (!parsed.success) throw new BulwarkError('BW_ERR_PARSE', zodWhere(`${where}: bundle`, parsed.error));
  const b = parsed.data;
  if (b.mediaType !== BUNDLE_MEDIA_TYPE)
    throw new BulwarkError(
      'BW_ERR_PARSE',
      `${where}: bundle.mediaType: expected ${BUNDLE_MEDIA_TYPE}, got ${JSON.stringify(b.mediaType)}`,
    );
  if (b.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw new BulwarkError(
      'BW_ERR_PARSE',
      `${where}: bundle.dsseEnvelope.payloadType: expected ${IN_TOTO_PAYLOAD_TYPE}, got ${JSON.stringify(b.dsseEnvelope.payloadType)}`,
    );
  return b as unknown as SigstoreBundle;
}

export type PqStatus = 'absent' | 'verified' | 'invalid' | 'not-checked';

export interface EnvelopeCheck {
  /** The classic signature (`signatures[0]`) verifies under the given key. */
  classicValid: boolean;
  /** The bundle's key hint differs from the key given (signed by another key). */
  hintMismatch: boolean;
  pq: PqStatus;
  payload: Buffer;
}

/** Checks the envelope's signatures; the payload is only trusted when `classicValid` is true. */
export function checkEnvelope(bundle: SigstoreBundle, key: KeyObject, pqKey?: KeyObject): EnvelopeCheck {
  const env = bundle.dsseEnvelope;
  const payload = Buffer.from(env.payload, 'base64');
  const signed = pae(env.payloadType, payload);
  const hint = bundle.verificationMaterial.publicKey?.hint;
  const hintMismatch = Boolean(hint) && hint !== pemFingerprint(publicKeyPemOf(key));
  const classicValid = verifyBytes(key, signed, Buffer.from(env.signatures[0]!.sig, 'base64'));
  const pqSigs = env.signatures.slice(1).filter((s) => s.keyid?.startsWith(PQ_KEYID_PREFIX));
  let pq: PqStatus = pqSigs.length === 0 ? 'absent' : 'not-checked';
  if (pqKey) {
    if (pqSigs.length === 0) pq = 'absent';
    else {
      const ok = pqSigs.some((s) => verifyBytes(pqKey, signed, Buffer.from(s.sig, 'base64')));
      pq = ok ? 'verified' : 'invalid';
    }
  }
  return { classicValid, hintMismatch, pq, payload };
}
