// RFC 3161 tokens in a bag: requested over tagmanifest-sha256.txt (which pins every manifest and
// tag file, so the whole set), stored under signatures/ beside the tag files. They cover the tag
// manifest, so it cannot list them; BagIt validators accept such unlisted tag files.
//   signatures/tagmanifest-sha256.txt.<n>.tsr      the full DER TimeStampResp
//   signatures/tagmanifest-sha256.txt.<n>.tsr.crt  the TSA certificate and chain (PEM)
// so that `openssl ts -verify -data tagmanifest-sha256.txt -in X.tsr -CAfile X.tsr.crt` succeeds.
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir } from '../durable.ts';
import { TimestampError } from './errors.ts';
import { requestTimestampForDigest, shownUrl, type TimestampRequestOptions, type TimestampResult } from './request.ts';
import { verifyTimestampToken } from './verify.ts';
import type { Said } from '../../common/said.ts';

export const TAG_MANIFEST = 'tagmanifest-sha256.txt';
export const SIGNATURES_DIR = 'signatures';
const TOKEN_FILE = /^tagmanifest-sha256\.txt\.([1-9][0-9]{0,8})\.tsr$/u;
const CHAIN_FILE = /^tagmanifest-sha256\.txt\.([1-9][0-9]{0,8})\.tsr\.crt$/u;

/** The outcome of one TSA: the checked token, or why there is none. */
export type TsaOutcome = { url: string; ok: true; result: TimestampResult } | { url: string; ok: false; error: TimestampError };

/**
 * Asks every TSA in `urls` (at once) for a token over `sha256`; never throws for a TSA's failure:
 * each outcome holds the checked TimestampResult or the TimestampError. Order follows `urls`;
 * each outcome's url is shownUrl's (no password).
 */
export async function requestTimestamps(urls: readonly string[], sha256: Buffer, opts: TimestampRequestOptions = {}): Promise<TsaOutcome[]> {
  return Promise.all(urls.map(async (target): Promise<TsaOutcome> => {
    const url = shownUrl(target);
    try {
      return { url, ok: true, result: await requestTimestampForDigest(target, sha256, opts) };
    } catch (e) {
      return { url, ok: false, error: e instanceof TimestampError ? e : new TimestampError(url, 'unreachable', (e as Error).message) };
    }
  }));
}

/** Writes a new file (never over an existing one) and fsyncs it. Throws EEXIST when it exists. */
async function writeNew(path: string, data: Buffer | string): Promise<void> {
  const fh = await open(path, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The numbers <n> already used by token or chain files in `dir` (empty when it does not exist). */
async function usedNumbers(dir: string): Promise<Set<number>> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw e;
  }
  const used = new Set<number>();
  for (const n of names) {
    const m = TOKEN_FILE.exec(n) ?? CHAIN_FILE.exec(n);
    if (m) used.add(Number(m[1]));
  }
  return used;
}

/**
 * Writes `result` into the bag at `bagDir` as signatures/tagmanifest-sha256.txt.<n>.tsr and its
 * .tsr.crt, n the next number no file uses (1, 2, …), creating signatures/ when needed. Each file
 * is written new (never replacing one), fsynced, and the folder synced, so the pair survives a
 * power cut; the chain is written first, so a token never lies without it. Returns the token's
 * path relative to the bag. Throws the fs error when the bag cannot be written (nothing is left
 * half-written: a chain file whose token could not be written is removed).
 */
export async function writeBagTimestamp(bagDir: string, result: TimestampResult): Promise<string> {
  const dir = join(bagDir, SIGNATURES_DIR);
  let created = false;
  try {
    await mkdir(dir);
    created = true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (created) await syncDir(bagDir);
  const used = await usedNumbers(dir);
  for (let n = 1; ; n++) {
    if (used.has(n)) continue;
    const base = `${TAG_MANIFEST}.${n}.tsr`;
    try {
      await writeNew(join(dir, `${base}.crt`), result.chainPem);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue; // taken meanwhile
      throw e;
    }
    try {
      await writeNew(join(dir, base), result.tsr);
    } catch (e) {
      await unlink(join(dir, `${base}.crt`)).catch(() => undefined);
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    await syncDir(dir);
    return `${SIGNATURES_DIR}/${base}`;
  }
}

/** One TSA's outcome for a bag. */
export interface BagTimestampOutcome {
  url: string;
  ok: boolean;
  /** The token's path relative to the bag (signatures/…tsr), when written. */
  file?: string;
  genTime?: string;
  /** The checked token, when the TSA gave one (also when it could not be written into the bag). */
  result?: TimestampResult;
  /** Why there is no token in the bag from this TSA. */
  error?: string;
}

/** SHA-256 of the bag's tag manifest. Throws an Error naming the file when it cannot be read. */
export async function tagManifestDigest(bagDir: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(bagDir, TAG_MANIFEST));
  } catch (e) {
    throw new Error(`${join(bagDir, TAG_MANIFEST)}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); a bag is time-stamped over its tag manifest`);
  }
  return createHash('sha256').update(bytes).digest();
}

/**
 * Time-stamps the bag at `bagDir`: asks each TSA in `urls` (at once; RFC 3161, requestTimestamps)
 * for a token over tagmanifest-sha256.txt and writes each checked token durably into signatures/
 * (writeBagTimestamp), in the order of `urls`. Never throws because a TSA failed or a token could
 * not be written: each outcome says what happened. Throws only when the tag manifest cannot be read.
 */
export async function timestampBag(bagDir: string, urls: readonly string[], opts: TimestampRequestOptions = {}): Promise<BagTimestampOutcome[]> {
  const digest = await tagManifestDigest(bagDir);
  return writeOutcomes(bagDir, await requestTimestamps(urls, digest, opts));
}

/** Writes the successful outcomes into the bag; a write failure becomes that TSA's error. */
export async function writeOutcomes(bagDir: string | null, outcomes: TsaOutcome[]): Promise<BagTimestampOutcome[]> {
  const out: BagTimestampOutcome[] = [];
  for (const o of outcomes) {
    if (!o.ok) {
      out.push({ url: o.url, ok: false, error: o.error.message });
      continue;
    }
    if (bagDir === null) {
      out.push({ url: o.url, ok: true, genTime: o.result.genTime, result: o.result });
      continue;
    }
    try {
      out.push({ url: o.url, ok: true, file: await writeBagTimestamp(bagDir, o.result), genTime: o.result.genTime, result: o.result });
    } catch (e) {
      out.push({ url: o.url, ok: false, genTime: o.result.genTime, result: o.result,
        error: `${o.url}: the token was received but could not be written into the bag (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    }
  }
  return out;
}

/** One line of a bag's verification. */
export interface BagCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** What `detail` says, as stable codes and their values (sentences joined with "; "), for readers in other languages. */
  said: Said[];
  /** True for the "no timestamp" check: nothing is wrong with the bag, but nothing shows when it existed. */
  absent?: boolean;
}

/**
 * Verifies every time-stamp token in the bag's signatures/ (tagmanifest-sha256.txt.<n>.tsr, n
 * ascending) offline against the bag's tagmanifest-sha256.txt, with its .tsr.crt as the chain and
 * `opts.caPem` (the recipient's --tsa-ca) as the trust anchor when given (verifyTimestampToken).
 * One check per token; a chain file without its token is a failed check; a bag without any token
 * gives one check "no timestamp" with ok false and absent true (reported as such, never as valid).
 * Never throws: an unreadable file is a failed check.
 */
export async function verifyBagTimestamps(bagDir: string, opts: { caPem?: string } = {}): Promise<BagCheck[]> {
  const dir = join(bagDir, SIGNATURES_DIR);
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      return [{ name: 'timestamps', ok: false, said: [{ code: 'timestamp.unreadable', params: { file: `${SIGNATURES_DIR}/`, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message } }], detail: `${SIGNATURES_DIR}/ cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` }];
    }
  }
  const tokens = names.map((n) => TOKEN_FILE.exec(n)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ n: Number(m[1]), file: m[0] })).sort((a, b) => a.n - b.n);
  const checks: BagCheck[] = [];
  for (const name of names) {
    const m = CHAIN_FILE.exec(name);
    if (m && !names.includes(`${TAG_MANIFEST}.${m[1]}.tsr`)) {
      checks.push({ name: `timestamp ${m[1]}`, ok: false, said: [{ code: 'timestamp.chain-without-token', params: { file: `${SIGNATURES_DIR}/${name}`, token: `${SIGNATURES_DIR}/${TAG_MANIFEST}.${m[1]}.tsr` } }], detail: `${SIGNATURES_DIR}/${name} has no token beside it (${SIGNATURES_DIR}/${TAG_MANIFEST}.${m[1]}.tsr is missing: removed?)` });
    }
  }
  if (!tokens.length) {
    checks.unshift({ name: 'timestamp', ok: false, absent: true, said: [{ code: 'timestamp.none', params: {} }], detail: 'no timestamp: the bag carries no RFC 3161 token, so nothing independent shows when this set existed' });
    return checks;
  }
  let manifest: Buffer;
  try {
    manifest = await readFile(join(bagDir, TAG_MANIFEST));
  } catch (e) {
    return [{ name: 'timestamps', ok: false, said: [{ code: 'timestamp.no-tag-manifest', params: { file: TAG_MANIFEST, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message } }], detail: `${TAG_MANIFEST} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the timestamps cover it` }, ...checks];
  }
  for (const t of tokens) {
    const rel = `${SIGNATURES_DIR}/${t.file}`;
    let tsr: Buffer;
    let chainPem: string | undefined;
    try {
      tsr = await readFile(join(dir, t.file));
    } catch (e) {
      checks.push({ name: `timestamp ${t.n}`, ok: false, said: [{ code: 'timestamp.unreadable', params: { file: rel, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message } }], detail: `${rel} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      continue;
    }
    try {
      chainPem = await readFile(join(dir, `${t.file}.crt`), 'utf8');
    } catch {
      chainPem = undefined;
    }
    const v = await verifyTimestampToken(tsr, manifest, { ...(opts.caPem !== undefined ? { caPem: opts.caPem } : {}), ...(chainPem !== undefined ? { chainPem } : {}) });
    const by = v.tsaName ? ` by ${v.tsaName}` : '';
    if (!v.ok) {
      checks.push({ name: `timestamp ${t.n}`, ok: false, said: [{ code: 'timestamp.bad', params: { file: rel, genTime: v.genTime ?? '', tsa: v.tsaName ?? '' } }, { code: `token.${v.code ?? 'unknown'}`, params: { ...v.params } }], detail: `${rel}${v.genTime ? ` (${v.genTime}${by})` : ''}: ${v.reason}` });
    } else if (v.trustedBy === 'given-ca') {
      checks.push({ name: `timestamp ${t.n}`, ok: true, said: [{ code: 'timestamp.ok-given-ca', params: { file: rel, manifest: TAG_MANIFEST, genTime: v.genTime ?? '', tsa: v.tsaName ?? '', serial: v.serial ?? '', root: v.root?.subject ?? '' } }], detail: `${rel}: ${TAG_MANIFEST} existed at ${v.genTime}, time-stamped${by} (serial ${v.serial}); the TSA certificate chains to the CA given (${v.root?.subject})` });
    } else {
      checks.push({ name: `timestamp ${t.n}`, ok: true, said: [{ code: chainPem === undefined ? 'timestamp.ok-own-chain-no-crt' : 'timestamp.ok-own-chain', params: { file: rel, manifest: TAG_MANIFEST, genTime: v.genTime ?? '', tsa: v.tsaName ?? '', serial: v.serial ?? '', root: v.root?.subject ?? '', rootSha256: v.root?.sha256 ?? '' } }], detail: `${rel}: ${TAG_MANIFEST} existed at ${v.genTime}, time-stamped${by} (serial ${v.serial}); ` +
        `trusted only by the chain the bag carries (root ${v.root?.subject}, SHA-256 ${v.root?.sha256}): compare that fingerprint with the TSA's published one, or give --tsa-ca FILE${chainPem === undefined ? `; ${rel}.crt is missing, the token's own certificates were used` : ''}` });
    }
  }
  return checks;
}
