import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { isBulwarkError } from '../../core/index.ts';
import {
  type BomMetric,
  buildBom,
  DEFAULT_CHUNK_SIZE,
  decryptFile,
  ENCRYPTED_SUFFIX,
  encryptFile,
  INTEGRITY_ERROR,
  envKekProvider,
  type KekProvider,
  localKeyringProvider,
  readEncryptedHeader,
  rewrapFile,
  rotateKek,
  genSigningKey,
  loadPrivateKey,
  loadPublicKey,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  signModel,
  type VerifyReport,
  verifyModel,
} from '../../sign/index.ts';
import { action, type CliContext, type CommandModule, common } from '../context.ts';
import { EXIT, paint, printJson, progress, table, UsageError } from '../output.ts';

interface SignOpts {
  key: string;
  pqKey?: string;
  signature?: string;
  ignore?: string[];
  shardSize?: string;
  json?: boolean;
}

interface VerifyOpts {
  key: string;
  pqKey?: string;
  requirePq?: boolean;
  signature?: string;
  ignore?: string[];
  json?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function parseShardSize(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`--shard-size: expected a positive integer, got ${v}`);
  return n;
}

function printVerify(ctx: CliContext, r: VerifyReport): void {
  const io = ctx.io;
  const rows: string[][] = [
    ...r.changed.map((p) => [paint(io, 'red', 'changed'), p]),
    ...r.missing.map((p) => [paint(io, 'red', 'missing'), p]),
    ...r.added.map((p) => [paint(io, 'yellow', 'added'), p]),
  ];
  if (rows.length) io.out(table(['status', 'file'], rows, 100));
  io.out(
    `signature: ${r.signatureValid ? 'valid' : paint(io, 'red', 'INVALID')}  post-quantum: ${r.pq}  files verified: ${r.verified}\n`,
  );
  for (const p of r.problems) io.out(`${paint(io, 'red', 'FAIL')} ${p}\n`);
  if (r.ok)
    io.out(`${paint(io, 'green', 'OK')} ${r.modelName ?? ''} matches its signature (${r.rootDigest})\n`);
}

/** `keys gen-signing`: the lead attaches this to the `keys` command. */
export function genSigningCommand(ctx: CliContext): Command {
  return common(
    new Command('gen-signing')
      .description('generate a model-signing key pair (PKCS#8 private key, SPKI public key, PEM)')
      .requiredOption('--alg <alg>', `algorithm: ${SIGNING_ALGORITHMS.join('|')}`, 'ecdsa-p256')
      .requiredOption('--out <dir>', 'directory to write signing-key.pem and signing-key.pub.pem into'),
  ).action(
    action(ctx, async (opts: { alg: string; out: string; json?: boolean }) => {
      if (!SIGNING_ALGORITHMS.includes(opts.alg as SigningAlgorithm))
        throw new UsageError(`--alg: expected one of ${SIGNING_ALGORITHMS.join(', ')}, got ${opts.alg}`);
      const pair = genSigningKey(opts.alg as SigningAlgorithm);
      await mkdir(opts.out, { recursive: true });
      const priv = join(opts.out, `${opts.alg}.key.pem`);
      const pub = join(opts.out, `${opts.alg}.pub.pem`);
      await writeFile(priv, pair.privateKeyPem, { mode: 0o600 });
      await chmod(priv, 0o600);
      await writeFile(pub, pair.publicKeyPem);
      const out = {
        algorithm: pair.algorithm,
        privateKey: priv,
        publicKey: pub,
        fingerprint: pair.fingerprint,
      };
      if (opts.json) printJson(ctx.io, out);
      else ctx.io.out(`wrote ${priv} (private, mode 0600) and ${pub}\nfingerprint ${pair.fingerprint}\n`);
      return EXIT.OK;
    }),
  );
}

interface CryptOpts {
  out?: string;
  kekEnv?: string;
  rotate?: boolean;
  newKek?: boolean;
  chunkSize?: string;
  json?: boolean;
  config?: string;
}

/** The KEK providers: the keyring under BULWARK_HOME, and an environment variable when named. */
async function keks(
  ctx: CliContext,
  opts: CryptOpts,
): Promise<{ active: KekProvider; all: Record<string, KekProvider>; home: string }> {
  const home = (await ctx.config(opts)).home;
  const local = localKeyringProvider(home);
  const env = envKekProvider(opts.kekEnv ?? 'BULWARK_KEK');
  return { active: opts.kekEnv ? env : local, all: { local, env }, home };
}

export const signCommands: CommandModule = (program, ctx) => {
  common(
    program
      .command('sign')
      .description('sign a model directory or file (OpenSSF model signing v1.0, Sigstore bundle)')
      .argument('<model>', 'model directory or file')
      .requiredOption('--key <pem>', 'PKCS#8 PEM private key (ECDSA P-256/P-384 or Ed25519)')
      .option('--pq-key <pem>', 'ML-DSA-65 private key: add a post-quantum signature to the envelope')
      .option('--signature <file>', 'signature path (default: model.sig in the model directory)')
      .option('--ignore <path>', 'relative path to leave out (repeatable)', collect)
      .option('--shard-size <bytes>', 'sign per shard of this size instead of per file'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark sign ./my-model --key signing.key.pem\n  $ bulwark verify ./my-model --key signing.pub.pem',
    )
    .action(
      action(ctx, async (model: string, opts: SignOpts) => {
        const key = await loadPrivateKey(opts.key);
        const pqKey = opts.pqKey ? await loadPrivateKey(opts.pqKey) : undefined;
        const bar = progress(ctx.io, 'hashing');
        const shardSize = parseShardSize(opts.shardSize);
        const r = await signModel(model, {
          key,
          ...(pqKey ? { pqKey } : {}),
          ...(opts.signature ? { signaturePath: opts.signature } : {}),
          ...(opts.ignore ? { ignorePaths: opts.ignore } : {}),
          ...(shardSize !== undefined ? { shardSize } : {}),
          onProgress: (d, t, n) => bar.update(d, t, n),
        });
        bar.done();
        const out = {
          signature: r.signaturePath,
          model: r.manifest.modelName,
          digest: r.manifest.rootDigest,
          resources: r.manifest.resources.length,
          algorithm: r.algorithm,
          keyFingerprint: r.keyFingerprint,
          postQuantum: r.pq,
        };
        if (opts.json) printJson(ctx.io, out);
        else
          ctx.io.out(
            `signed ${out.resources} resource(s) of ${out.model} with ${out.algorithm}${out.postQuantum ? ' + ml-dsa-65' : ''}\n` +
              `digest ${out.digest}\nwrote ${out.signature}\n`,
          );
        return EXIT.OK;
      }),
    );

  common(
    program
      .command('verify')
      .description('verify a model against its signature, naming every added, missing and changed file')
      .argument('<model>', 'model directory or file')
      .requiredOption('--key <pem>', 'SPKI PEM public key')
      .option('--pq-key <pem>', 'ML-DSA-65 public key: verify the post-quantum signature')
      .option('--require-pq', 'fail unless a post-quantum signature is present and verifies')
      .option('--signature <file>', 'signature path (default: model.sig in the model directory)')
      .option('--ignore <path>', 'relative path to leave out (repeatable)', collect),
  ).action(
    action(ctx, async (model: string, opts: VerifyOpts) => {
      const key = await loadPublicKey(opts.key);
      const pqKey = opts.pqKey ? await loadPublicKey(opts.pqKey) : undefined;
      const bar = progress(ctx.io, 'verifying');
      const r = await verifyModel(model, {
        key,
        ...(pqKey ? { pqKey } : {}),
        ...(opts.requirePq ? { requirePq: true } : {}),
        ...(opts.signature ? { signaturePath: opts.signature } : {}),
        ...(opts.ignore ? { ignorePaths: opts.ignore } : {}),
        onProgress: (d, t, n) => bar.update(d, t, n),
      });
      bar.done();
      if (opts.json) printJson(ctx.io, r);
      else printVerify(ctx, r);
      return r.ok ? EXIT.OK : EXIT.FINDINGS;
    }),
  );

  common(
    program
      .command('encrypt')
      .description('encrypt a file at rest (AES-256-GCM, fresh data key wrapped by a key-encryption key)')
      .argument('<path>', 'file to encrypt (with --rotate: an encrypted file to re-wrap)')
      .option('--out <file>', `output file (default: PATH${ENCRYPTED_SUFFIX})`)
      .option(
        '--kek-env <var>',
        'take the key-encryption key from this environment variable (32 bytes, base64 or hex)',
      )
      .option(
        '--rotate',
        're-wrap the data key of an encrypted file under the current key, without re-encrypting',
      )
      .option('--new-kek', 'with --rotate: first add a new key to the keyring and make it current')
      .option('--chunk-size <bytes>', 'bytes per authenticated chunk', String(DEFAULT_CHUNK_SIZE)),
  )
    .addHelpText(
      'after',
      `\nWith no --kek-env, a keyring is created under BULWARK_HOME (keyring.json, mode 0600) on first use.\nExamples:\n  $ bulwark encrypt model.safetensors            writes model.safetensors${ENCRYPTED_SUFFIX}\n  $ bulwark encrypt --rotate --new-kek model.safetensors${ENCRYPTED_SUFFIX}`,
    )
    .action(
      action(ctx, async (path: string, opts: CryptOpts) => {
        const k = await keks(ctx, opts);
        if (opts.rotate) {
          const rotated = opts.newKek && !opts.kekEnv ? await rotateKek(k.home) : undefined;
          const r = await rewrapFile(path, { from: k.all, to: k.active });
          const out = { ...r, ...(rotated ? { newKek: rotated.keyId } : {}) };
          if (opts.json) printJson(ctx.io, out);
          else ctx.io.out(`re-wrapped ${path}: ${r.from.keyId} -> ${r.to.keyId}\n`);
          return EXIT.OK;
        }
        if (opts.newKek) throw new UsageError('--new-kek needs --rotate');
        const chunkSize = Number(opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
        const bar = progress(ctx.io, 'encrypting');
        const r = await encryptFile(path, opts.out ?? `${path}${ENCRYPTED_SUFFIX}`, {
          kek: k.active,
          chunkSize,
          onProgress: (d, t) => bar.update(d, t),
        });
        bar.done();
        if (opts.json) printJson(ctx.io, r);
        else
          ctx.io.out(
            `encrypted ${path} (${r.bytes} bytes, ${r.chunks} chunk(s)) -> ${r.out} [key ${r.kek.keyId}]\n`,
          );
        return EXIT.OK;
      }),
    );

  common(
    program
      .command('decrypt')
      .description('decrypt a file encrypted by `bulwark encrypt`, authenticating every chunk')
      .argument('<path>', 'encrypted file')
      .option('--out <file>', `output file (default: PATH without ${ENCRYPTED_SUFFIX})`)
      .option('--kek-env <var>', 'environment variable holding the key-encryption key (default BULWARK_KEK)'),
  ).action(
    action(ctx, async (path: string, opts: CryptOpts) => {
      const k = await keks(ctx, opts);
      let out = opts.out;
      if (!out) {
        if (!path.endsWith(ENCRYPTED_SUFFIX))
          throw new UsageError(`${path} does not end in ${ENCRYPTED_SUFFIX}: pass --out`);
        out = path.slice(0, -ENCRYPTED_SUFFIX.length);
      }
      await readEncryptedHeader(path);
      const bar = progress(ctx.io, 'decrypting');
      let r: Awaited<ReturnType<typeof decryptFile>>;
      try {
        r = await decryptFile(path, out, { keks: k.all, onProgress: (d, t) => bar.update(d, t) });
      } catch (e) {
        bar.done();
        // Failed authentication is a failed check (exit 1), not a usage error.
        if (isBulwarkError(e) && e.code === INTEGRITY_ERROR) {
          if (opts.json) printJson(ctx.io, { error: e.toJSON() });
          else ctx.io.err(`${paint(ctx.io, 'red', 'FAIL')} ${e.message}\n`);
          return EXIT.FINDINGS;
        }
        throw e;
      }
      bar.done();
      if (opts.json) printJson(ctx.io, r);
      else ctx.io.out(`decrypted ${path} -> ${r.out} (${r.bytes} bytes, every chunk authenticated)\n`);
      return EXIT.OK;
    }),
  );

  common(
    program
      .command('bom')
      .description(
        'AI bill of materials: CycloneDX 1.6 JSON with the model, its files, datasets and dependencies',
      )
      .argument('<model>', 'model directory or file')
      .option(
        '--requirements <file>',
        'requirements.txt, pyproject.toml or package.json (repeatable)',
        collect,
      )
      .option('--format <format>', 'output format (json)', 'json')
      .option('--out <file>', 'write the BOM to a file instead of stdout')
      .option('--signature <file>', 'signature to reference (default: model.sig when present)')
      .option('--name <name>', 'model name (default: the directory name)')
      .option('--model-version <version>', 'model version')
      .option('--task <task>', 'model task, e.g. text-classification (default: README pipeline_tag)')
      .option('--architecture <arch>', 'model architecture (default: config.json architectures[0])')
      .option('--dataset <name>', 'training dataset (repeatable; adds to README datasets)', collect)
      .option('--metric <type=value[@slice]>', 'performance metric (repeatable)', collect),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  $ bulwark bom ./my-model --requirements requirements.txt --out bom.cdx.json\n  $ bulwark bom ./my-model --metric accuracy=0.93@imdb',
    )
    .action(
      action(
        ctx,
        async (
          model: string,
          opts: {
            requirements?: string[];
            format: string;
            out?: string;
            signature?: string;
            name?: string;
            modelVersion?: string;
            task?: string;
            architecture?: string;
            dataset?: string[];
            metric?: string[];
            json?: boolean;
          },
        ) => {
          if (opts.format !== 'json')
            throw new UsageError(`--format: only json is supported, got ${opts.format}`);
          const metrics: BomMetric[] = (opts.metric ?? []).map((m) => {
            const match = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(m);
            if (!match) throw new UsageError(`--metric: expected type=value[@slice], got ${m}`);
            return { type: match[1]!, value: match[2]!, ...(match[3] ? { slice: match[3] } : {}) };
          });
          const doc = await buildBom(model, {
            ...(opts.requirements ? { dependencyFiles: opts.requirements } : {}),
            ...(opts.signature ? { signaturePath: opts.signature } : {}),
            facts: {
              ...(opts.name ? { name: opts.name } : {}),
              ...(opts.modelVersion ? { version: opts.modelVersion } : {}),
              ...(opts.task ? { task: opts.task } : {}),
              ...(opts.architecture ? { modelArchitecture: opts.architecture } : {}),
              ...(opts.dataset ? { datasets: opts.dataset } : {}),
              ...(metrics.length ? { metrics } : {}),
            },
          });
          const text = `${JSON.stringify(doc, null, 2)}\n`;
          if (opts.out) {
            await writeFile(opts.out, text);
            if (opts.json) printJson(ctx.io, { out: opts.out, components: (doc.components ?? []).length });
            else
              ctx.io.out(
                `wrote ${opts.out} (CycloneDX 1.6, ${(doc.components ?? []).length} component(s))\n`,
              );
          } else ctx.io.out(text);
          return EXIT.OK;
        },
      ),
    );
};
