// Evidence sets for the verifier tests: real bags from writeBag with generated payload, a real
// hash-chained custody log, a seal and completeness proof from the reference implementation of
// docs/seal-and-proof.md, and an SSH signature over the tag manifest (Ed25519, namespace "file")
// as the export will write them. Plus the forger's moves the tests try.

import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BagFile } from '../../electron/verifier-web/digest.ts';
import { NORMALIZED_RECORD_KEYS, type CustodyEvent } from '../../electron/common/types.ts';
import { contentHash } from '../../electron/core/custody/content-hash.ts';
import { writeBag } from '../../electron/core/export/bagit.ts';
import { openPgpPrivateKey, openPgpPublic, openPgpSignDetached } from '../../electron/core/signing/openpgp-identity.ts';
import { allowedSignersLine, rawEd25519PublicKey, sshsigSign } from '../../electron/core/signing/sshsig.ts';
import { buildChain, rehash, type RowSpec } from './custody-chain.ts';
import { makeExcerpt, makeSeal } from './seal-proof-ref.ts';

export const SIG_FILE = 'signatures/tagmanifest-sha256.txt.sshsig';
export const ALLOWED_FILE = 'signatures/allowed_signers';
export const PGP_SIG_FILE = 'signatures/tagmanifest-sha256.txt.asc';
export const PGP_KEY_FILE = 'signatures/signer.asc';

export function newKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

export interface MadeBag {
  bagDir: string;
  /** SHA-256s of the set's items, in payload order. */
  items: string[];
  /** The whole archive chain the excerpt was cut from. */
  rows: CustodyEvent[];
}

export interface BagSpec {
  /** Payload files: data/<name> with this content. */
  payload: { name: string; content?: Buffer; source?: string; sha256?: string; bytes?: number }[];
  key: KeyObject;
  identity?: string;
  sign?: boolean;
  seal?: 'signed' | 'unsigned' | 'none';
  /** A set for public release: ingestion events withheld, Evidence-Redaction declared. */
  redacted?: boolean;
  /** Extra tag files (e.g. VERIFY.html). */
  tagFiles?: { path: string; content: string | Buffer }[];
  algorithms?: ('sha256' | 'sha1' | 'md5')[];
}

function record(sha: string, bytes: number): Record<string, unknown> {
  const rec: Record<string, unknown> = Object.fromEntries(NORMALIZED_RECORD_KEYS.map((k) => [k, null]));
  Object.assign(rec, { sha256: sha, bytes, mime: 'image/jpeg', kind: 'image', capturedAtHasZone: false, otherDates: [], make: 'Canon', model: 'EOS 80D' });
  return rec;
}

/**
 * Writes a signed (unless `sign: false`), sealed (per `seal`, default signed) evidence set under
 * `dir`/name. The archive holds the set's items and one other item, with events on each before
 * and after, so the proof reveals neighbours of other keys.
 */
export async function makeBag(dir: string, name: string, spec: BagSpec): Promise<MadeBag> {
  const src = join(dir, `${name}-src`);
  mkdirSync(src, { recursive: true });
  const payload = spec.payload.map((p) => {
    if (p.source) return { source: p.source, path: p.name, bytes: p.bytes as number, digests: { sha256: p.sha256 as string } };
    const source = join(src, p.name.replace(/\//gu, '_'));
    const content = p.content ?? Buffer.from(`payload ${p.name}\n`);
    writeFileSync(source, content);
    return { source, path: p.name, bytes: content.length, digests: { sha256: createHash('sha256').update(content).digest('hex') } };
  });
  const items = payload.map((p) => p.digests.sha256);
  const other = createHash('sha256').update(`another item of the archive ${name}`).digest('hex');
  const specs: RowSpec[] = [{ type: 'transfer', item: null, detail: { action: 'archive created' } }];
  for (const [i, sha] of [other, ...items].entries()) {
    const bytes = i === 0 ? 1234 : (payload[i - 1]?.bytes ?? 0);
    specs.push(
      { type: 'ingestion', item: sha, detail: { source: `/media/card/DCIM/${i}.JPG` } },
      { type: 'message digest calculation', item: sha, detail: { digests: { sha256: sha } } },
      { type: 'replication', item: sha, detail: { copies: 1 } },
      { type: 'metadata extraction', item: sha, detail: { recordSha256: contentHash(record(sha, bytes)) } },
    );
  }
  for (const sha of [...items, other]) specs.push({ type: 'fixity check', item: sha, detail: { ok: true } });
  const rows = buildChain(specs);

  const secret = randomBytes(32);
  const sealMode = spec.seal ?? 'signed';
  const seal = sealMode === 'none' ? undefined : makeSeal({
    rows, secret, privateKey: spec.key, archiveId: '6f1c2f7e-3d4b-4d8e-9a51-0c0ffee00001', sealedAt: '2025-03-01T10:00:00.000Z', unsigned: sealMode === 'unsigned',
  });
  const excerpt = makeExcerpt({ rows, secret, setItems: items, ...(seal ? { seal } : {}), ...(spec.redacted ? { withhold: (e: CustodyEvent) => e.type === 'ingestion' } : {}) });
  const itemsJson: Record<string, unknown>[] = payload.map((p) => ({ ...record(p.digests.sha256, p.bytes), path: `data/${p.path}`, ...(spec.redacted ? {} : { sources: [{ path: '/media/card/DCIM' }] }) }));

  const bagDir = join(dir, name);
  await writeBag({
    outDir: bagDir,
    payload,
    tagFiles: [
      { path: 'evidence/items.json', content: JSON.stringify(itemsJson, null, 2) },
      { path: 'evidence/items.csv', content: 'sha256,path\n' + itemsJson.map((i) => `${String(i.sha256)},${String(i.path)}`).join('\n') + '\n' },
      { path: 'evidence/custody.json', content: JSON.stringify(excerpt, null, 2) },
      ...(spec.tagFiles ?? []),
    ],
    bagInfo: { 'Source-Organization': 'Bir Duino Human Rights Movement', 'Contact-Name': 'Aigerim Sadykova', ...(spec.redacted ? { 'Evidence-Redaction': 'public release' } : {}) },
    algorithms: spec.algorithms ?? ['sha256', 'md5'],
  });
  if (spec.sign ?? true) await signBag(bagDir, spec.key, spec.identity ?? 'archivist@bir-duino.test');
  return { bagDir, items, rows };
}

/**
 * Writes signatures/ for the bag as the export does (electron/core/signing/bag-signature.ts):
 * SSHSIG (namespace "file") over tagmanifest-sha256.txt, allowed_signers, and the OpenPGP
 * detached signature with the same Ed25519 key as an OpenPGP v4 key (signer.asc).
 */
export async function signBag(bagDir: string, key: KeyObject, identity: string, opts: { allowedKey?: KeyObject } = {}): Promise<void> {
  mkdirSync(join(bagDir, 'signatures'), { recursive: true });
  const tm = readFileSync(join(bagDir, 'tagmanifest-sha256.txt'));
  writeFileSync(join(bagDir, SIG_FILE), sshsigSign(tm, key, 'file'));
  writeFileSync(join(bagDir, ALLOWED_FILE), allowedSignersLine(identity, rawEd25519PublicKey(opts.allowedKey ?? key), ['file']));
  const seed = Buffer.from(key.export({ format: 'jwk' }).d as string, 'base64url');
  const pgp = await openPgpPrivateKey(seed, rawEd25519PublicKey(key), new Date('2025-01-01T00:00:00Z'), identity);
  writeFileSync(join(bagDir, PGP_SIG_FILE), await openPgpSignDetached(pgp, tm));
  writeFileSync(join(bagDir, PGP_KEY_FILE), openPgpPublic(pgp).armored);
}

/** A copy of the bag to tamper with (writable: writeBag leaves the payload read-only, a forger has no such scruple). */
export function copyBag(bagDir: string, to: string): string {
  cpSync(bagDir, to, { recursive: true });
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      chmodSync(p, e.isDirectory() ? 0o755 : 0o644);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(to);
  return to;
}

/** The forger's move after editing tag files: recompute every tagmanifest-<alg>.txt line (the signature is left as it is). */
export function rehashTagManifests(bagDir: string): void {
  for (const name of readdirSync(bagDir).filter((n) => /^tagmanifest-.+\.txt$/u.test(n))) {
    const alg = name.slice('tagmanifest-'.length, -'.txt'.length);
    const p = join(bagDir, name);
    const text = readFileSync(p, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
      const path = l.slice(l.indexOf('  ') + 2);
      return `${createHash(alg).update(readFileSync(join(bagDir, path))).digest('hex')}  ${path}`;
    });
    writeFileSync(p, text.join('\n') + '\n');
  }
}

/** Reads, edits and writes evidence/custody.json. */
export function editCustody(bagDir: string, edit: (doc: { events: CustodyEvent[]; withheldSeqs?: number[] } & Record<string, unknown>) => void): void {
  const p = join(bagDir, 'evidence', 'custody.json');
  const doc = JSON.parse(readFileSync(p, 'utf8')) as { events: CustodyEvent[] } & Record<string, unknown>;
  edit(doc);
  writeFileSync(p, JSON.stringify(doc, null, 2));
}

/** The files of `dir` as the page sees a chosen folder: paths prefixed by the folder's name, read by slices. */
export function bagFilesFromDir(dir: string): BagFile[] {
  const out: BagFile[] = [];
  const top = basename(dir);
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, `${rel}/${e.name}`);
      else {
        const size = statSync(p).size;
        out.push({
          path: `${rel}/${e.name}`.slice(top.length + 1),
          size,
          read: async (start, end) => {
            const fh = await open(p, 'r');
            try {
              const buf = Buffer.alloc(end - start);
              const { bytesRead } = await fh.read(buf, 0, end - start, start);
              return new Uint8Array(buf.buffer, buf.byteOffset, bytesRead);
            } finally {
              await fh.close();
            }
          },
        });
      }
    }
  };
  walk(dir, top);
  return out;
}

/** One forgery or accident, and the check lines (ids) that must fail for it — no others. */
export interface Tamper {
  name: string;
  /** Which bag to start from. */
  base: 'full' | 'redacted';
  apply: (bagDir: string, forgerKey: KeyObject) => void | Promise<void>;
  failing: string[];
}

/** The forger's full move after editing tag files: tag manifests recomputed, signed anew with their own key, named in allowed_signers. */
async function forgerResigns(bagDir: string, forgerKey: KeyObject): Promise<void> {
  rehashTagManifests(bagDir);
  await signBag(bagDir, forgerKey, 'archivist@bir-duino.test');
}

export const TAMPERS: Tamper[] = [
  {
    name: 'a payload byte flipped',
    base: 'full',
    apply: (d) => {
      const p = join(d, 'data', 'photo-1.jpg');
      const b = readFileSync(p);
      b[3] = (b[3] as number) ^ 0x01;
      writeFileSync(p, b);
    },
    failing: ['manifest-md5', 'manifest-sha256'],
  },
  { name: 'a payload file removed', base: 'full', apply: (d) => rmSync(join(d, 'data', 'Көк-Таш', 'video-2.mp4')), failing: ['bag-info', 'items', 'manifest-md5', 'manifest-sha256'] },
  { name: 'an extra payload file', base: 'full', apply: (d) => writeFileSync(join(d, 'data', 'extra.jpg'), 'planted'), failing: ['bag-info', 'items', 'payload-listed'] },
  {
    name: 'bag-info edited',
    base: 'full',
    apply: (d) => writeFileSync(join(d, 'bag-info.txt'), readFileSync(join(d, 'bag-info.txt'), 'utf8').replace('Bir Duino Human Rights Movement', 'Someone Else')),
    failing: ['tagmanifest-md5', 'tagmanifest-sha256'],
  },
  {
    name: 'the tag manifest edited and re-hashed',
    base: 'full',
    apply: (d) => {
      writeFileSync(join(d, 'bag-info.txt'), readFileSync(join(d, 'bag-info.txt'), 'utf8').replace(/Bagging-Date: .*/u, 'Bagging-Date: 2021-01-15'));
      rehashTagManifests(d);
    },
    failing: ['signature'],
  },
  {
    name: 'a custody event removed (and the set re-signed by the forger)',
    base: 'full',
    apply: async (d, k) => {
      editCustody(d, (doc) => {
        doc.events = doc.events.filter((e) => e.type !== 'fixity check' || e !== doc.events.find((x) => x.type === 'fixity check'));
      });
      await forgerResigns(d, k);
    },
    failing: ['proof', 'seal'],
  },
  {
    name: 'a custody event edited (actor renamed, hashes recomputed, re-signed)',
    base: 'full',
    apply: async (d, k) => {
      editCustody(d, (doc) => {
        const ev = doc.events.find((e) => e.type === 'ingestion') as CustodyEvent;
        ev.actor = 'someone-else@example.test';
        rehash(ev);
      });
      await forgerResigns(d, k);
    },
    failing: ['custody-events', 'proof', 'seal'],
  },
  {
    name: 'custody events reordered (re-signed)',
    base: 'full',
    apply: async (d, k) => {
      editCustody(d, (doc) => {
        const [a, b] = [doc.events[1] as CustodyEvent, doc.events[2] as CustodyEvent];
        doc.events[1] = b;
        doc.events[2] = a;
      });
      await forgerResigns(d, k);
    },
    failing: ['custody-events', 'seal'],
  },
  {
    name: 'a signature re-made with another key, not the one in allowed_signers',
    base: 'full',
    apply: (d, k) => writeFileSync(join(d, SIG_FILE), sshsigSign(readFileSync(join(d, 'tagmanifest-sha256.txt')), k, 'file')),
    failing: ['signature'],
  },
  {
    name: 'a redacted set with a withheld seq turned into a removed one (re-signed)',
    base: 'redacted',
    apply: async (d, k) => {
      editCustody(d, (doc) => {
        doc.withheldSeqs = (doc.withheldSeqs ?? []).slice(1);
      });
      await forgerResigns(d, k);
    },
    failing: ['items', 'proof', 'seal'],
  },
  {
    name: 'the whole set re-signed by another key around the genuine seal',
    base: 'redacted',
    apply: (d, k) => forgerResigns(d, k),
    failing: ['seal'],
  },
];

/**
 * An RFC 3161 TimeStampResp (DER) over `data`, from a throw-away TSA that openssl runs in `dir`
 * (a CA, a TSA certificate with a critical timeStamping EKU, `openssl ts -reply`).
 */
export function tsaResponse(dir: string, data: Buffer): Buffer {
  mkdirSync(dir, { recursive: true });
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  if (!existsSync(join(dir, 'tsa.crt'))) {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=Test CA', '-days', '2',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
    run('req', '-new', ...ec, '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=Test TSA');
    writeFileSync(join(dir, 'ext.cnf'), 'extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n');
    run('x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.crt', '-days', '2', '-extfile', 'ext.cnf');
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(join(dir, 'tsa.cnf'), '[tsa]\ndefault_tsa = t\n[t]\nserial = ./serial\ncrypto_device = builtin\nsigner_digest = sha256\n' +
      'default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\ness_cert_id_alg = sha256\n');
  }
  writeFileSync(join(dir, 'data.bin'), data);
  run('ts', '-query', '-data', 'data.bin', '-sha256', '-cert', '-out', 'q.tsq');
  run('ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'q.tsq', '-signer', 'tsa.crt', '-inkey', 'tsa.key', '-out', 'r.tsr');
  return readFileSync(join(dir, 'r.tsr'));
}
