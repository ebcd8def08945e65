// SSH signatures (OpenSSH PROTOCOL.sshsig) with Ed25519 keys, verified in the browser as
// `ssh-keygen -Y verify` does, and OpenSSH allowed_signers files (ssh-keygen(1) "ALLOWED SIGNERS").

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { SshReader, concat, equalBytes, fromBase64, sshString, toBase64, utf8 } from './bytes.ts';

const MAGIC = utf8('SSHSIG');
const KEY_TYPE = 'ssh-ed25519';
const ARMOR_BEGIN = '-----BEGIN SSH SIGNATURE-----';
const ARMOR_END = '-----END SSH SIGNATURE-----';

/** Why a signature or key cannot be used; `code` names the reason for the report's messages. */
export class SshsigError extends Error {
  constructor(readonly code: 'malformed' | 'unsupported' | 'namespace' | 'mismatch', message: string) {
    super(message);
    this.name = 'SshsigError';
  }
}

/** The SSH wire blob of an Ed25519 public key (RFC 8709 §4). */
export function ed25519Blob(raw32: Uint8Array): Uint8Array {
  return concat(sshString(KEY_TYPE), sshString(raw32));
}

/** OpenSSH fingerprint of an Ed25519 key (`ssh-keygen -l`): "SHA256:" + unpadded base64 of SHA-256 over its blob. */
export function sshFingerprint(raw32: Uint8Array): string {
  return 'SHA256:' + toBase64(sha256(ed25519Blob(raw32))).replace(/=+$/u, '');
}

/**
 * The raw 32-byte key of an OpenSSH public key text "ssh-ed25519 AAAA… [comment]"; throws
 * SshsigError for another key type or a malformed blob.
 */
export function parseOpenSshPublicKey(text: string): Uint8Array {
  const parts = text.trim().split(/\s+/u);
  const at = parts.indexOf(KEY_TYPE);
  const b64 = at >= 0 ? parts[at + 1] : undefined;
  if (b64 === undefined) throw new SshsigError('unsupported', 'not an ssh-ed25519 public key');
  try {
    const r = new SshReader(fromBase64(b64));
    if (r.text() !== KEY_TYPE) throw new Error('blob is not ssh-ed25519');
    const raw = r.string();
    if (raw.length !== 32 || !r.done()) throw new Error('wrong length');
    return raw.slice();
  } catch (e) {
    throw new SshsigError('malformed', `malformed ssh-ed25519 public key: ${(e as Error).message}`);
  }
}

/** An armored SSH signature, read. */
export interface ParsedSshsig {
  publicKey: Uint8Array;
  namespace: string;
  hashAlg: 'sha256' | 'sha512';
  signature: Uint8Array;
}

/**
 * Reads an armored SSH signature (PROTOCOL.sshsig: "SSHSIG", version 1, public key, namespace,
 * reserved, hash algorithm, signature). Throws SshsigError ('malformed' or 'unsupported' for a
 * key other than ssh-ed25519 or a hash other than sha256/sha512).
 */
export function parseSshsig(armored: string): ParsedSshsig {
  const text = armored.trim();
  if (!text.startsWith(ARMOR_BEGIN) || !text.endsWith(ARMOR_END)) throw new SshsigError('malformed', 'not an armored SSH signature');
  let r: SshReader;
  try {
    r = new SshReader(fromBase64(text.slice(ARMOR_BEGIN.length, -ARMOR_END.length)));
  } catch {
    throw new SshsigError('malformed', 'the SSH signature is not valid base64');
  }
  try {
    if (!equalBytes(r.bytes(6), MAGIC)) throw new SshsigError('malformed', 'the SSH signature lacks the SSHSIG preamble');
    const version = r.uint32();
    if (version !== 1) throw new SshsigError('unsupported', `SSH signature version ${version}`);
    const pk = new SshReader(r.string());
    const keyType = pk.text();
    if (keyType !== KEY_TYPE) throw new SshsigError('unsupported', `SSH signature made with a ${keyType} key`);
    const publicKey = pk.string().slice();
    const namespace = r.text();
    r.string(); // reserved
    const hashAlg = r.text();
    if (hashAlg !== 'sha256' && hashAlg !== 'sha512') throw new SshsigError('unsupported', `SSH signature hash ${hashAlg}`);
    const sig = new SshReader(r.string());
    if (sig.text() !== KEY_TYPE) throw new SshsigError('unsupported', 'SSH signature blob is not ssh-ed25519');
    const signature = sig.string().slice();
    if (publicKey.length !== 32 || signature.length !== 64 || !r.done() || !pk.done() || !sig.done()) {
      throw new SshsigError('malformed', 'malformed SSH signature');
    }
    return { publicKey, namespace, hashAlg, signature };
  } catch (e) {
    if (e instanceof SshsigError) throw e;
    throw new SshsigError('malformed', 'the SSH signature is truncated');
  }
}

/**
 * Verifies an armored SSH signature over `message` in `namespace` (PROTOCOL.sshsig: Ed25519 over
 * "SSHSIG" ‖ string(namespace) ‖ string("") ‖ string(hash) ‖ string(H(message))). Returns the
 * signing key (read from the signature) and its fingerprint; whether that key is trusted is the
 * caller's question. Throws SshsigError: 'namespace' for another namespace, 'mismatch' when the
 * signature does not hold over `message`, or as parseSshsig.
 */
export function sshsigVerify(armored: string, message: Uint8Array, namespace: string): { publicKey: Uint8Array; fingerprint: string } {
  const s = parseSshsig(armored);
  if (s.namespace !== namespace) throw new SshsigError('namespace', `SSH signature is for namespace "${s.namespace}", not "${namespace}"`);
  const digest = s.hashAlg === 'sha512' ? sha512(message) : sha256(message);
  const signed = concat(MAGIC, sshString(namespace), sshString(''), sshString(s.hashAlg), sshString(digest));
  let ok = false;
  try {
    // Strict RFC 8032 verification (no ZIP-215 leniency): a valid OpenSSH signature always passes it.
    ok = ed25519.verify(s.signature, signed, s.publicKey, { zip215: false });
  } catch {
    ok = false;
  }
  if (!ok) throw new SshsigError('mismatch', 'the SSH signature does not match the signed file');
  return { publicKey: s.publicKey, fingerprint: sshFingerprint(s.publicKey) };
}

/** One usable line of an allowed_signers file. */
export interface AllowedSigner {
  /** The principals field as written (comma-separated identities, quotes removed). */
  principals: string;
  /** Namespaces the key may sign in; null when the line does not restrict them. */
  namespaces: string[] | null;
  /** True for a `cert-authority` line (a CA key, not a signer's). */
  certAuthority: boolean;
  /** Raw Ed25519 key, or null for another key type. */
  publicKey: Uint8Array | null;
  /** 1-based line number. */
  line: number;
}

/** Splits at unquoted whitespace, keeping quoted runs (with their quotes) inside tokens. */
function tokens(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of line) {
    if (c === '"') quoted = !quoted;
    if (!quoted && /\s/u.test(c)) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur !== '') out.push(cur);
  return out;
}

const KEY_TYPES = /^(ssh-|ecdsa-|sk-|rsa-sha2-)/u;

/**
 * Parses an OpenSSH allowed_signers file: per line `principals [options] keytype base64
 * [comment]`, `#` comments and blank lines skipped (ssh-keygen(1) "ALLOWED SIGNERS"). Lines it
 * cannot read are left out.
 */
export function parseAllowedSigners(text: string): AllowedSigner[] {
  const out: AllowedSigner[] = [];
  text.split(/\r\n|\r|\n/u).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const t = tokens(line);
    const principals = (t[0] ?? '').replace(/"/gu, '');
    let k = 1;
    let options = '';
    if (t[k] !== undefined && !KEY_TYPES.test(t[k]!)) options = t[k++]!;
    const keyType = t[k];
    const b64 = t[k + 1];
    if (keyType === undefined || b64 === undefined) return;
    let namespaces: string[] | null = null;
    let certAuthority = false;
    for (const opt of options.match(/(?:[^,"]|"[^"]*")+/gu) ?? []) {
      const [name, ...rest] = opt.split('=');
      const value = rest.join('=').replace(/^"|"$/gu, '');
      if (name?.toLowerCase() === 'namespaces') namespaces = value.split(',').map((s) => s.trim());
      if (name?.toLowerCase() === 'cert-authority') certAuthority = true;
    }
    let publicKey: Uint8Array | null = null;
    if (keyType === KEY_TYPE) {
      try {
        publicKey = parseOpenSshPublicKey(`${keyType} ${b64}`);
      } catch {
        return;
      }
    }
    out.push({ principals, namespaces, certAuthority, publicKey, line: i + 1 });
  });
  return out;
}

/** OpenSSH pattern-list match of one name ("*" and "?" wildcards, "!" negation). */
export function matchPatternList(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    const body = negated ? p.slice(1) : p;
    const re = new RegExp('^' + body.replace(/[.+^${}()|[\]\\]/gu, '\\$&').replace(/\*/gu, '.*').replace(/\?/gu, '.') + '$', 'u');
    if (re.test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/**
 * The allowed_signers line that lets `publicKey` sign in `namespace` (same key, not a CA line,
 * namespaces unrestricted or matching), or undefined.
 */
export function findAllowedSigner(signers: readonly AllowedSigner[], publicKey: Uint8Array, namespace: string): AllowedSigner | undefined {
  return signers.find((s) => s.publicKey !== null && !s.certAuthority && equalBytes(s.publicKey, publicKey) &&
    (s.namespaces === null || matchPatternList(namespace, s.namespaces)));
}
