// Signatures of a bag: who made this evidence set. They sign `tagmanifest-sha256.txt` only,
// which covers the payload manifest and every tag file, so signing takes the same milliseconds
// for a bag of one photo as for one of hours of video. The files sit in `signatures/` beside the
// tag files (they sign the tag manifest, so it cannot list them; BagIt validators ignore
// unlisted tag directories), readable with tools a recipient already has:
//   signatures/tagmanifest-sha256.txt.sshsig  SSHSIG, namespace "file"   (ssh-keygen -Y verify)
//   signatures/allowed_signers                 "<identity> namespaces="file" ssh-ed25519 AAAA…"
//   signatures/tagmanifest-sha256.txt.asc      OpenPGP detached signature (gpg --verify)
//   signatures/signer.asc                      the OpenPGP public key: the same Ed25519 key
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { syncDir } from '../durable.ts';
import type { SigningKey } from './keystore.ts';
import { openPgpVerifyDetached } from './openpgp-identity.ts';
import { allowedSignersLine, parseOpenSshPublicKey, sshFingerprint, sshsigVerify } from './sshsig.ts';
import type { Said } from '../../common/said.ts';

export const SIGNATURES_DIR = 'signatures';
const TAG_MANIFEST = 'tagmanifest-sha256.txt';
/** The SSHSIG namespace of a bag's signature: ssh-keygen's own for signing files. */
export const BAG_NAMESPACE = 'file';
export const SIGNATURE_FILES = {
  sshsig: `${SIGNATURES_DIR}/${TAG_MANIFEST}.sshsig`,
  allowedSigners: `${SIGNATURES_DIR}/allowed_signers`,
  openPgp: `${SIGNATURES_DIR}/${TAG_MANIFEST}.asc`,
  signer: `${SIGNATURES_DIR}/signer.asc`,
} as const;

/** Writes `data` to `path` through a temporary file in the same folder, fsynced, then renamed over it. */
function replaceFile(path: string, data: string): void {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

/**
 * Signs the bag at `bagDir` with `key` as `identity` (the allowed_signers principal; spaces and
 * quotes become "_"): an SSHSIG (namespace "file") and an OpenPGP detached signature over
 * `tagmanifest-sha256.txt`, the one-line allowed_signers and the OpenPGP public key, in
 * `signatures/`, each written durably (fsync, rename, folder sync); files of the same names are
 * replaced, other files there (timestamps) are kept. Returns the bag-relative files written and
 * the signer's fingerprint. Throws an Error naming the bag when it has no tag manifest, and fs
 * errors.
 */
export async function signBag(bagDir: string, key: SigningKey, identity: string): Promise<{ files: string[]; fingerprint: string; identity: string }> {
  const dir = resolve(bagDir);
  let manifest: Buffer;
  try {
    manifest = await readFile(join(dir, TAG_MANIFEST));
  } catch (e) {
    throw new Error(`${dir}: cannot sign the bag: ${TAG_MANIFEST} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const raw = parseOpenSshPublicKey(key.publicKeyLine);
  // allowed_signers principals are patterns: a leading "!" negates one and "#" starts a comment.
  const allowed = allowedSignersLine(identity.trim().replace(/^[!#]+/u, ''), raw, [BAG_NAMESPACE]);
  const files: [string, string][] = [
    [SIGNATURE_FILES.sshsig, key.signSshsig(manifest, BAG_NAMESPACE)],
    [SIGNATURE_FILES.allowedSigners, allowed],
    [SIGNATURE_FILES.openPgp, await key.signOpenPgpDetached(manifest)],
    [SIGNATURE_FILES.signer, key.openPgpPublicKey],
  ];
  const sigDir = join(dir, SIGNATURES_DIR);
  const made = (await mkdir(sigDir, { recursive: true })) !== undefined;
  for (const [rel, text] of files) replaceFile(join(dir, rel), text);
  await syncDir(sigDir);
  if (made) await syncDir(dir);
  return { files: files.map(([rel]) => rel), fingerprint: key.fingerprint, identity: allowed.split(' ')[0]! };
}

/** One line of the verdict: what was checked, whether it holds, and in words why. */
export interface SignatureCheck {
  name: 'signature' | 'allowed_signers' | 'sshsig' | 'openpgp' | 'signer';
  ok: boolean;
  detail: string;
  /** What `detail` says, as a stable code and its values, for readers in other languages. */
  said: Said;
  /** Set on a check that holds but is not the whole answer: a signature by a key nobody pinned. */
  warning?: boolean;
}

export interface BagSignatureReport {
  /**
   * not-signed: no signature files; invalid: a check failed; unpinned: valid signatures by a key
   * the caller did not say to expect; pinned: valid signatures by the expected key.
   */
  status: 'not-signed' | 'invalid' | 'unpinned' | 'pinned';
  checks: SignatureCheck[];
  /** Who signed, when the SSH signature holds (identity as the bag's allowed_signers names it: untrusted text). */
  signer?: { fingerprint: string; identity: string; openPgpFingerprint?: string };
}

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) return null;
    throw e;
  }
}

/** Parses the one allowed_signers line (ssh-keygen(1) ALLOWED SIGNERS): principal, options, key. */
function parseAllowedSigners(text: string): { principal: string; key: Buffer } {
  const lines = text.split(/\r?\n/u).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length !== 1) throw new Error(`it must hold exactly one signer, not ${lines.length}`);
  const m = /^(\S+)\s+(?:(\S*namespaces="([^"]*)"\S*)\s+)?(ssh-ed25519\s+\S+)(?:\s.*)?$/u.exec(lines[0]!);
  if (!m) throw new Error('its line is not "<identity> namespaces="file" ssh-ed25519 <key>"');
  if (m[2] !== undefined && !m[3]!.split(',').includes(BAG_NAMESPACE)) throw new Error(`the signer is not allowed the namespace "${BAG_NAMESPACE}"`);
  return { principal: m[1]!, key: parseOpenSshPublicKey(m[4]!) };
}

/** "SHA256:abc…" from what a user typed: with or without the prefix and base64 padding. */
function normalizeSshFingerprint(s: string): string {
  const t = s.trim().replace(/=+$/u, '');
  return /^SHA256:/iu.test(t) ? `SHA256:${t.slice(7)}` : `SHA256:${t}`;
}

/**
 * Checks the signatures of the bag at `bagDir` over its `tagmanifest-sha256.txt` (whether the
 * tag manifest matches the bag is verify-bag's other checks): the SSHSIG is valid in namespace
 * "file" and made by the key in `signatures/allowed_signers`; the OpenPGP signature is valid and
 * made by the same Ed25519 key as signer.asc holds; and the signer is `expectKey` (an OpenSSH
 * fingerprint "SHA256:…", or the 40-hex OpenPGP fingerprint) when given. Without `expectKey` a
 * valid bag is "unpinned", reported with a warning, not as plainly valid. A bag without signature
 * files is "not-signed" (its one check fails). Never throws for a bad bag; throws fs errors other
 * than a missing file.
 */
export async function verifyBagSignatures(bagDir: string, opts: { expectKey?: string } = {}): Promise<BagSignatureReport> {
  const dir = resolve(bagDir);
  const sigDirExists = (await stat(join(dir, SIGNATURES_DIR)).catch(() => null))?.isDirectory() ?? false;
  const [sshsig, allowed, asc, signerAsc] = sigDirExists
    ? await Promise.all([readText(join(dir, SIGNATURE_FILES.sshsig)), readText(join(dir, SIGNATURE_FILES.allowedSigners)), readText(join(dir, SIGNATURE_FILES.openPgp)), readText(join(dir, SIGNATURE_FILES.signer))])
    : [null, null, null, null];
  if (sshsig === null && allowed === null && asc === null && signerAsc === null) {
    const expected = opts.expectKey ? `; you expected a signature by ${opts.expectKey.trim()}` : '';
    return { status: 'not-signed', checks: [{ name: 'signature', ok: false, said: opts.expectKey ? { code: 'signature.not-signed-expected', params: { expected: opts.expectKey.trim() } } : { code: 'signature.not-signed', params: {} }, detail: `not signed: the bag carries no signature (no ${SIGNATURES_DIR}/ folder), so nothing shows who made it${expected}` }] };
  }
  const checks: SignatureCheck[] = [];
  const manifest = await readFile(join(dir, TAG_MANIFEST)).catch(() => null);
  if (!manifest) {
    checks.push({ name: 'signature', ok: false, said: { code: 'signature.no-tag-manifest', params: {} }, detail: `${TAG_MANIFEST} is missing: there is nothing the signatures could hold over` });
    return { status: 'invalid', checks };
  }

  let allowedKey: Buffer | null = null;
  let principal = '';
  if (allowed === null) checks.push({ name: 'allowed_signers', ok: false, said: { code: 'signature.file-missing', params: { file: SIGNATURE_FILES.allowedSigners } }, detail: `${SIGNATURE_FILES.allowedSigners} is missing` });
  else {
    try {
      ({ principal, key: allowedKey } = parseAllowedSigners(allowed));
      checks.push({ name: 'allowed_signers', ok: true, said: { code: 'signature.allowed-signers', params: { principal, key: sshFingerprint(allowedKey) } }, detail: `names ${principal}, key ${sshFingerprint(allowedKey)}` });
    } catch (e) {
      checks.push({ name: 'allowed_signers', ok: false, said: { code: 'signature.file-bad', params: { file: SIGNATURE_FILES.allowedSigners, error: (e as Error).message } }, detail: `${SIGNATURE_FILES.allowedSigners}: ${(e as Error).message}` });
    }
  }

  let signer: BagSignatureReport['signer'];
  if (sshsig === null) checks.push({ name: 'sshsig', ok: false, said: { code: 'signature.file-missing', params: { file: SIGNATURE_FILES.sshsig } }, detail: `${SIGNATURE_FILES.sshsig} is missing` });
  else {
    try {
      const v = sshsigVerify(sshsig, manifest, BAG_NAMESPACE);
      if (allowedKey && !v.publicKey.equals(allowedKey)) {
        checks.push({ name: 'sshsig', ok: false, said: { code: 'signature.sshsig-other-key', params: { fingerprint: v.fingerprint, allowed: sshFingerprint(allowedKey) } }, detail: `the SSH signature was made by ${v.fingerprint}, not by the key allowed_signers names (${sshFingerprint(allowedKey)}): refused` });
      } else if (allowedKey) {
        signer = { fingerprint: v.fingerprint, identity: principal };
        checks.push({ name: 'sshsig', ok: true, said: { code: 'signature.sshsig-ok', params: { file: TAG_MANIFEST, fingerprint: v.fingerprint, principal } }, detail: `SSH signature over ${TAG_MANIFEST} holds: signed by ${v.fingerprint} (${principal})` });
      } else {
        checks.push({ name: 'sshsig', ok: false, said: { code: 'signature.sshsig-no-allowed', params: { fingerprint: v.fingerprint } }, detail: `the SSH signature holds, by ${v.fingerprint}, but without a valid allowed_signers nobody can check it with ssh-keygen` });
      }
    } catch (e) {
      checks.push({ name: 'sshsig', ok: false, said: { code: 'signature.file-bad', params: { file: SIGNATURE_FILES.sshsig, error: (e as Error).message } }, detail: `${SIGNATURE_FILES.sshsig}: ${(e as Error).message}` });
    }
  }

  if (asc === null || signerAsc === null) {
    checks.push({ name: 'openpgp', ok: false, said: { code: 'signature.file-missing', params: { file: asc === null ? SIGNATURE_FILES.openPgp : SIGNATURE_FILES.signer } }, detail: `${asc === null ? SIGNATURE_FILES.openPgp : SIGNATURE_FILES.signer} is missing` });
  } else {
    try {
      const v = await openPgpVerifyDetached(asc, manifest, signerAsc);
      const sshKey = allowedKey;
      if (sshKey && !v.ed25519.equals(sshKey)) {
        checks.push({ name: 'openpgp', ok: false, said: { code: 'signature.openpgp-other-key', params: { fingerprint: v.fingerprint, key: sshFingerprint(v.ed25519) } }, detail: `the OpenPGP signature holds but was made by another key (${v.fingerprint}, ${sshFingerprint(v.ed25519)}) than the SSH signer's: refused` });
      } else {
        if (signer) signer.openPgpFingerprint = v.fingerprint;
        checks.push({ name: 'openpgp', ok: true, said: { code: 'signature.openpgp-ok', params: { file: TAG_MANIFEST, fingerprint: v.fingerprint, key: sshFingerprint(v.ed25519) } }, detail: `OpenPGP signature over ${TAG_MANIFEST} holds: key ${v.fingerprint}, the same Ed25519 key ${sshFingerprint(v.ed25519)}` });
      }
    } catch (e) {
      checks.push({ name: 'openpgp', ok: false, said: { code: 'signature.file-bad', params: { file: SIGNATURE_FILES.openPgp, error: (e as Error).message } }, detail: `${SIGNATURE_FILES.openPgp}: ${(e as Error).message}` });
    }
  }

  const failed = checks.some((c) => !c.ok);
  if (signer) {
    const who = `${signer.fingerprint} (${signer.identity})`;
    if (opts.expectKey) {
      const want = opts.expectKey.trim();
      const hex = want.replace(/\s+/gu, '').toUpperCase();
      const matches = /^[0-9A-F]{40}$/u.test(hex) ? hex === signer.openPgpFingerprint : normalizeSshFingerprint(want) === signer.fingerprint;
      checks.push(matches
        ? { name: 'signer', ok: true, said: { code: 'signer.expected', params: { fingerprint: signer.fingerprint, identity: signer.identity } }, detail: `signed by ${who}, the key you expected` }
        : { name: 'signer', ok: false, said: { code: 'signer.wrong', params: { fingerprint: signer.fingerprint, identity: signer.identity, expected: want } }, detail: `signed by ${who}, NOT by the key you expected (${want}): refused` });
    } else {
      checks.push({ name: 'signer', ok: true, warning: true, said: { code: 'signer.unpinned', params: { fingerprint: signer.fingerprint, identity: signer.identity } }, detail: `signed by ${who}, a key you have not pinned: compare this fingerprint with the one the sender read out to you (or pass --expect-key)` });
    }
  }
  const allOk = !failed && checks.every((c) => c.ok);
  return { status: allOk ? (opts.expectKey ? 'pinned' : 'unpinned') : 'invalid', checks, ...(signer ? { signer } : {}) };
}
