// RFC 3161 time-stamp responses, read far enough to say when a token was made and whether it
// names the file it sits beside (its message imprint). The TSA's CMS signature and certificate
// chain are NOT checked here: that needs X.509 path validation, which `openssl ts -verify` and
// `evidence verify-bag` do.

import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { equalBytes } from './bytes.ts';

interface Tlv {
  tag: number;
  /** Content [start, end). */
  start: number;
  end: number;
}

/** One DER TLV at `at` (single-byte tags only, which is all RFC 3161 and CMS use); throws on a truncated or indefinite length. */
function tlv(buf: Uint8Array, at: number, limit = buf.length): Tlv {
  if (at + 2 > limit) throw new Error('truncated DER');
  const tag = buf[at] as number;
  let len = buf[at + 1] as number;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[start + i] as number);
    start += n;
  }
  if (start + len > limit) throw new Error('truncated DER');
  return { tag, start, end: start + len };
}

/** The TLVs directly inside a constructed TLV. */
function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const t = tlv(buf, at, parent.end);
    out.push(t);
    at = t.end;
  }
  return out;
}

function oid(buf: Uint8Array, t: Tlv): string {
  const b = buf.subarray(t.start, t.end);
  const parts: number[] = [];
  let v = 0;
  for (const x of b) {
    v = v * 128 + (x & 0x7f);
    if (!(x & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const HASHES: Record<string, (m: Uint8Array) => Uint8Array> = {
  '2.16.840.1.101.3.4.2.1': (m) => sha256(m),
  '2.16.840.1.101.3.4.2.2': (m) => sha384(m),
  '2.16.840.1.101.3.4.2.3': (m) => sha512(m),
};

/** What a time-stamp token says, as far as it is read here. */
export interface TimestampInfo {
  /** genTime as ISO 8601 UTC, e.g. "2025-03-01T10:20:30Z". */
  time: string;
  /** True when the message imprint is the digest of the data given. */
  imprintMatches: boolean;
}

function child(buf: Uint8Array, parent: Tlv, i: number, tag: number): Tlv {
  const c = children(buf, parent)[i];
  if (!c || c.tag !== tag) throw new Error('unexpected DER structure');
  return c;
}

/**
 * Reads a DER TimeStampResp (RFC 3161 §2.4.2) — or a bare TimeStampToken — and compares its
 * TSTInfo message imprint with `data`'s digest (SHA-256/384/512). Throws Error when the bytes are
 * not such a structure, the status is not granted, or the hash algorithm is unknown.
 */
export function readTimestamp(der: Uint8Array, data: Uint8Array): TimestampInfo {
  const top = tlv(der, 0);
  if (top.tag !== 0x30 || top.end !== der.length) throw new Error('not a DER SEQUENCE');
  let token = top;
  const first = children(der, top)[0];
  if (first?.tag === 0x30) {
    // TimeStampResp: status, then the token.
    const status = child(der, first, 0, 0x02);
    const code = der[status.end - 1] as number;
    if (status.end - status.start !== 1 || code > 1) throw new Error(`time-stamp request was not granted (status ${code})`);
    const t = children(der, top)[1];
    if (!t || t.tag !== 0x30) throw new Error('the response holds no token');
    token = t;
  }
  if (oid(der, child(der, token, 0, 0x06)) !== SIGNED_DATA) throw new Error('the token is not CMS SignedData');
  const signedData = child(der, child(der, token, 1, 0xa0), 0, 0x30);
  const encap = child(der, signedData, 2, 0x30);
  if (oid(der, child(der, encap, 0, 0x06)) !== TST_INFO) throw new Error('the token does not hold a TSTInfo');
  const octets = child(der, child(der, encap, 1, 0xa0), 0, 0x04);
  const tst = tlv(der, octets.start, octets.end);
  const imprint = child(der, tst, 2, 0x30);
  const alg = oid(der, child(der, child(der, imprint, 0, 0x30), 0, 0x06));
  const hashed = child(der, imprint, 1, 0x04);
  const hash = HASHES[alg];
  if (!hash) throw new Error(`unsupported imprint hash ${alg}`);
  const gen = child(der, tst, 4, 0x18);
  const g = new TextDecoder().decode(der.subarray(gen.start, gen.end));
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\.\d+)?Z$/u.exec(g);
  if (!m) throw new Error(`unreadable genTime ${g}`);
  return {
    time: `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}Z`,
    imprintMatches: equalBytes(der.subarray(hashed.start, hashed.end), hash(data)),
  };
}
