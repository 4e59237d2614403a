import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { BulwarkError } from '../core/index.ts';

export const SIGNING_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519', 'ml-dsa-65'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/** The classic algorithms the OpenSSF model-signing verifiers understand. */
export const CLASSIC_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'ed25519'] as const;

export interface SigningKeyPair {
  algorithm: SigningAlgorithm;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
  /** SHA-256 of the SPKI PEM, hex: the `publicKey.hint` model_signing writes into the bundle. */
  fingerprint: string;
}

/** Generates a signing key pair; ECDSA curves are the ones model_signing accepts. */
export function genSigningKey(algorithm: SigningAlgorithm): SigningKeyPair {
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  switch (algorithm) {
    case 'ecdsa-p256':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      break;
    case 'ecdsa-p384':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      break;
    case 'ecdsa-p521':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-521' });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
    case 'ml-dsa-65':
      pair = generateKeyPairSync('ml-dsa-65' as 'ed25519');
      break;
    default:
      throw new BulwarkError('BW_ERR_USAGE', `unknown signing algorithm ${JSON.stringify(algorithm)}`);
  }
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return {
    algorithm,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    publicKeyPem,
    fingerprint: pemFingerprint(publicKeyPem),
  };
}

/** The key id model_signing uses: SHA-256 over the SPKI PEM text, hex. */
export function pemFingerprint(publicKeyPem: string): string {
  return createHash('sha256').update(publicKeyPem).digest('hex');
}

export function publicKeyPemOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }) as string;
}

/** Which of our algorithms a key belongs to; anything else (RSA, P-521, secp256k1…) is refused. */
export function algorithmOf(key: KeyObject, where = 'key'): SigningAlgorithm {
  const type = key.asymmetricKeyType as string | undefined;
  if (type === 'ed25519') return 'ed25519';
  if (type === 'ml-dsa-65') return 'ml-dsa-65';
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1' || curve === 'P-256') return 'ecdsa-p256';
    if (curve === 'secp384r1' || curve === 'P-384') return 'ecdsa-p384';
    if (curve === 'secp521r1' || curve === 'P-521') return 'ecdsa-p521';
    throw new BulwarkError('BW_ERR_VALIDATION', `${where}: unsupported EC curve ${curve ?? 'unknown'}`);
  }
  throw new BulwarkError(
    'BW_ERR_VALIDATION',
    `${where}: unsupported key type ${type ?? 'unknown'} (use ECDSA P-256/P-384/P-521, Ed25519 or ML-DSA-65)`,
  );
}

/** The digest an algorithm signs with: for ECDSA it follows the curve, as model_signing does. */
function digestFor(alg: SigningAlgorithm): string | null {
  if (alg === 'ecdsa-p256') return 'sha256';
  if (alg === 'ecdsa-p384') return 'sha384';
  if (alg === 'ecdsa-p521') return 'sha512';
  return null; // Ed25519 and ML-DSA sign the message itself
}

export function signBytes(key: KeyObject, data: Uint8Array): Buffer {
  return cryptoSign(digestFor(algorithmOf(key)), data, key);
}

export function verifyBytes(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return cryptoVerify(digestFor(algorithmOf(key)), data, key, signature);
  } catch {
    return false;
  }
}

async function readKeyFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new BulwarkError('BW_ERR_IO', `${path}: cannot read key (${(e as Error).message})`, { cause: e });
  }
}

export function parsePrivateKey(pem: string, where = 'private key'): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new BulwarkError('BW_ERR_VALIDATION', `${where}: not a PEM private key (${(e as Error).message})`, {
      cause: e,
    });
  }
  algorithmOf(key, where);
  return key;
}

export function parsePublicKey(pem: string, where = 'public key'): KeyObject {
  // A private key would also yield a public key; refuse it so private keys are not handed around.
  if (pem.includes('PRIVATE KEY'))
    throw new BulwarkError('BW_ERR_VALIDATION', `${where}: expected a public key, got a private key`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (e) {
    throw new BulwarkError('BW_ERR_VALIDATION', `${where}: not a PEM public key (${(e as Error).message})`, {
      cause: e,
    });
  }
  algorithmOf(key, where);
  return key;
}

export async function loadPrivateKey(path: string): Promise<KeyObject> {
  return parsePrivateKey(await readKeyFile(path), path);
}

export async function loadPublicKey(path: string): Promise<KeyObject> {
  return parsePublicKey(await readKeyFile(path), path);
}
