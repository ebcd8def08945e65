// The bag's OpenPGP detached signature (signatures/tagmanifest-sha256.txt.asc) and the key beside
// it (signatures/signer.asc), checked as `gpg --verify` does, for the one kind of key the archive
// makes: an OpenPGP v4 EdDSALegacy key (RFC 9580 §5.5.5.5, algorithm 22, curve Ed25519) holding
// the same Ed25519 key as the SSH signature. Enough of RFC 9580 to read those two files, no more:
// anything else is "unsupported", which the page reports as a failed signature.

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { concat, equalBytes, fromBase64, toHex } from './bytes.ts';

/** Why an OpenPGP file cannot be used; `code` names the reason for the report's messages. */
export class OpenPgpError extends Error {
  constructor(readonly code: 'malformed' | 'unsupported' | 'otherKey' | 'mismatch', message: string) {
    super(message);
    this.name = 'OpenPgpError';
  }
}

const EDDSA_LEGACY = 22;
/** OID 1.3.6.1.4.1.11591.15.1 (Ed25519 in OpenPGP v4), as the key packet holds it. */
const ED25519_OID = Uint8Array.of(0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01);
const HASHES: Record<number, (m: Uint8Array) => Uint8Array> = { 8: sha256, 9: sha384, 10: sha512 };

/** RFC 9580 §6: the base64 body of an ASCII-armored block of type `kind` ("SIGNATURE", "PUBLIC KEY BLOCK"); the CRC24 line is ignored (RFC 9580 §6.1). */
function dearmor(text: string, kind: string): Uint8Array {
  const begin = `-----BEGIN PGP ${kind}-----`;
  const at = text.indexOf(begin);
  const end = text.indexOf(`-----END PGP ${kind}-----`, at);
  if (at < 0 || end < 0) throw new OpenPgpError('malformed', `not an armored PGP ${kind}`);
  const lines = text.slice(at + begin.length, end).split(/\r?\n/u).map((l) => l.trim());
  // lines[0] is the rest of the BEGIN line; armor headers ("Version: …"), if any, end at a blank line.
  const blank = lines.indexOf('', 1);
  const from = blank >= 0 && lines.slice(1, blank).every((l) => /^[\w-]+: /u.test(l)) ? blank + 1 : 1;
  const body = lines.slice(from).filter((l) => l !== '' && !l.startsWith('='));
  try {
    return fromBase64(body.join(''));
  } catch {
    throw new OpenPgpError('malformed', 'the armor is not base64');
  }
}

interface Packet {
  tag: number;
  body: Uint8Array;
}

/** RFC 9580 §4.2: the packets of `bytes` (OpenPGP and legacy headers; partial lengths refused, which a signature or key never uses). */
function packets(bytes: Uint8Array): Packet[] {
  const out: Packet[] = [];
  let at = 0;
  const byte = (i: number) => {
    if (i >= bytes.length) throw new OpenPgpError('malformed', 'a packet is truncated');
    return bytes[i] as number;
  };
  while (at < bytes.length) {
    const ctb = byte(at++);
    if (!(ctb & 0x80)) throw new OpenPgpError('malformed', 'not an OpenPGP packet');
    let tag: number;
    let len: number;
    if (ctb & 0x40) {
      tag = ctb & 0x3f;
      const o = byte(at++);
      if (o < 192) len = o;
      else if (o < 224) len = ((o - 192) << 8) + byte(at++) + 192;
      else if (o === 255) {
        len = ((byte(at) << 24) >>> 0) + (byte(at + 1) << 16) + (byte(at + 2) << 8) + byte(at + 3);
        at += 4;
      } else throw new OpenPgpError('unsupported', 'partial body lengths');
    } else {
      tag = (ctb >> 2) & 0x0f;
      const n = [1, 2, 4][ctb & 3];
      if (n === undefined) throw new OpenPgpError('unsupported', 'indeterminate packet length');
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + byte(at++);
    }
    if (at + len > bytes.length) throw new OpenPgpError('malformed', 'a packet is truncated');
    out.push({ tag, body: bytes.subarray(at, at + len) });
    at += len;
  }
  return out;
}

/** An MPI (RFC 9580 §3.2) at `at`: its bytes and the offset after it. */
function mpi(b: Uint8Array, at: number): { value: Uint8Array; next: number } {
  if (at + 2 > b.length) throw new OpenPgpError('malformed', 'an MPI is truncated');
  const bits = ((b[at] as number) << 8) | (b[at + 1] as number);
  const n = Math.ceil(bits / 8);
  if (at + 2 + n > b.length) throw new OpenPgpError('malformed', 'an MPI is truncated');
  return { value: b.subarray(at + 2, at + 2 + n), next: at + 2 + n };
}

/** A 32-byte big-endian number from an MPI's bytes (leading zeros were dropped). */
function pad32(v: Uint8Array): Uint8Array {
  if (v.length > 32) throw new OpenPgpError('malformed', 'an EdDSA value is longer than 32 bytes');
  return concat(new Uint8Array(32 - v.length), v);
}

/** The signer's OpenPGP key, as read from signer.asc. */
export interface OpenPgpKey {
  /** v4 fingerprint: 40 hex digits, upper case (RFC 9580 §5.5.4.2). */
  fingerprint: string;
  /** The raw 32-byte Ed25519 public key. */
  ed25519: Uint8Array;
}

/**
 * Reads the primary key of an armored OpenPGP public key ("PUBLIC KEY BLOCK"): it must be a v4
 * EdDSALegacy Ed25519 key. Throws OpenPgpError ('malformed' or 'unsupported') otherwise. The
 * User ID and its self-signature are not checked: the key matters, not the name on it.
 */
export function readOpenPgpKey(armored: string): OpenPgpKey {
  const first = packets(dearmor(armored, 'PUBLIC KEY BLOCK'))[0];
  if (!first || first.tag !== 6) throw new OpenPgpError('malformed', 'signer.asc does not start with a public key packet');
  const b = first.body;
  if (b[0] !== 4 || b[5] !== EDDSA_LEGACY) throw new OpenPgpError('unsupported', 'the OpenPGP key is not a v4 Ed25519 key');
  const oidLen = b[6] as number;
  if (!equalBytes(b.subarray(7, 7 + oidLen), ED25519_OID)) throw new OpenPgpError('unsupported', 'the OpenPGP key is not on curve Ed25519');
  const q = mpi(b, 7 + oidLen).value;
  if (q.length !== 33 || q[0] !== 0x40) throw new OpenPgpError('malformed', 'the Ed25519 point is not in native form');
  const fingerprint = toHex(sha1(concat(Uint8Array.of(0x99, b.length >> 8, b.length & 0xff), b))).toUpperCase();
  return { fingerprint, ed25519: q.subarray(1) };
}

/**
 * Verifies an armored detached OpenPGP signature over `data` (a v4 signature of a binary document,
 * class 0x00, RFC 9580 §5.2.4: hash over the data, the hashed part of the packet and its trailer)
 * with `key`. The signature must name the key (issuer fingerprint or key ID) when it names one.
 * Returns nothing; throws OpenPgpError: 'malformed', 'unsupported', 'otherKey' (made by another
 * key) or 'mismatch' (does not hold over `data`).
 */
export function verifyOpenPgpDetached(armored: string, data: Uint8Array, key: OpenPgpKey): void {
  const sigs = packets(dearmor(armored, 'SIGNATURE')).filter((p) => p.tag === 2);
  if (sigs.length !== 1) throw new OpenPgpError('malformed', `expected one signature packet, found ${sigs.length}`);
  const b = (sigs[0] as Packet).body;
  if (b[0] !== 4) throw new OpenPgpError('unsupported', 'not a v4 signature');
  if (b[1] !== 0x00) throw new OpenPgpError('unsupported', 'not a signature of a binary document');
  if (b[2] !== EDDSA_LEGACY) throw new OpenPgpError('unsupported', 'not an Ed25519 signature');
  const hash = HASHES[b[3] as number];
  if (!hash) throw new OpenPgpError('unsupported', `hash algorithm ${b[3]}`);
  const hashedLen = ((b[4] as number) << 8) | (b[5] as number);
  const hashedEnd = 6 + hashedLen;
  if (hashedEnd + 2 > b.length) throw new OpenPgpError('malformed', 'the signature packet is truncated');
  const unhashedLen = ((b[hashedEnd] as number) << 8) | (b[hashedEnd + 1] as number);
  const afterUnhashed = hashedEnd + 2 + unhashedLen;
  // Issuer subpackets (RFC 9580 §5.2.3.12, §5.2.3.35), hashed or not: a signature by another key is said to be so.
  const keyId = key.fingerprint.slice(-16);
  const walk = (from: number, to: number) => {
    for (let at = from; at < to;) {
      const o = b[at] as number;
      let len: number;
      if (o < 192) {
        len = o;
        at += 1;
      } else if (o < 255) {
        len = ((o - 192) << 8) + (b[at + 1] as number) + 192;
        at += 2;
      } else {
        len = (((b[at + 1] as number) << 24) >>> 0) + ((b[at + 2] as number) << 16) + ((b[at + 3] as number) << 8) + (b[at + 4] as number);
        at += 5;
      }
      if (len < 1 || at + len > to) throw new OpenPgpError('malformed', 'a subpacket is truncated');
      const type = (b[at] as number) & 0x7f;
      const body = b.subarray(at + 1, at + len);
      if (type === 16 && toHex(body).toUpperCase() !== keyId) throw new OpenPgpError('otherKey', `made by key ID ${toHex(body).toUpperCase()}`);
      if (type === 33 && body[0] === 4 && toHex(body.subarray(1)).toUpperCase() !== key.fingerprint) {
        throw new OpenPgpError('otherKey', `made by key ${toHex(body.subarray(1)).toUpperCase()}`);
      }
      at += len;
    }
  };
  walk(6, hashedEnd);
  walk(hashedEnd + 2, afterUnhashed);
  const r = mpi(b, afterUnhashed + 2);
  const s = mpi(b, r.next);
  const hashed = b.subarray(0, hashedEnd);
  const n = hashed.length;
  const digest = hash(concat(data, hashed, Uint8Array.of(0x04, 0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)));
  if (!equalBytes(digest.subarray(0, 2), b.subarray(afterUnhashed, afterUnhashed + 2))) throw new OpenPgpError('mismatch', 'the signature does not match the data');
  // EdDSALegacy signs the digest itself (RFC 9580 §5.2.3.3): R and S are the two halves of the Ed25519 signature.
  let ok = false;
  try {
    ok = ed25519.verify(concat(pad32(r.value), pad32(s.value)), digest, key.ed25519);
  } catch {
    ok = false;
  }
  if (!ok) throw new OpenPgpError('mismatch', 'the signature does not match the data');
}
