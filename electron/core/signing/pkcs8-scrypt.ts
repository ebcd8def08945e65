// A private key encrypted with a passphrase, as a standard PKCS#8 EncryptedPrivateKeyInfo
// (RFC 5958 §3) with PBES2 (RFC 8018 §6.2), the scrypt key derivation (RFC 7914 §7) and
// AES-256-CBC: "-----BEGIN ENCRYPTED PRIVATE KEY-----". Node's own encrypted export uses PBKDF2
// with OpenSSL's 2,048 iterations, which a graphics card tries by the billion; scrypt at the
// cost below needs 128 MiB per guess. OpenSSL reads the same file when the cost is within its
// 32 MiB scrypt limit (N ≤ 2^14 with r = 8), which the tests use to show the format is standard.
import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, scrypt as scryptCb, type KeyObject, type ScryptOptions } from 'node:crypto';

const OID_PBES2 = Buffer.from('2a864886f70d01050d', 'hex'); // 1.2.840.113549.1.5.13
const OID_SCRYPT = Buffer.from('2b06010401da47040b', 'hex'); // 1.3.6.1.4.1.11591.4.11
const OID_AES256_CBC = Buffer.from('60864801650304012a', 'hex'); // 2.16.840.1.101.3.4.1.42

const PEM_BEGIN = '-----BEGIN ENCRYPTED PRIVATE KEY-----';
const PEM_END = '-----END ENCRYPTED PRIVATE KEY-----';

/** scrypt cost: N = 2^LOG2N, r, p (RFC 7914 §2). 2^17 × 8 × 128 bytes = 128 MiB, ~0.3 s. */
export const DEFAULT_SCRYPT = { log2N: 17, r: 8, p: 1 } as const;
/** The most memory a key file may make us spend on one derivation (refuses a planted N = 2^30). */
const MAX_SCRYPT_MEM = 512 * 1024 * 1024;

/** The passphrase did not decrypt the key (or the file was altered so that it cannot). */
export class DecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

// ---- DER (X.690) for the few types this structure uses ----

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const oid = (body: Buffer): Buffer => tlv(0x06, body);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
function integer(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (!bytes.length || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

interface Node { tag: number; body: Buffer }

/** Reads one DER TLV at `at`; throws DecryptError on a malformed or indefinite length. */
function readTlv(buf: Buffer, at: number): Node & { end: number } {
  if (at + 2 > buf.length) throw new DecryptError('truncated key file');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const k = len & 0x7f;
    if (k === 0 || k > 4 || p + k > buf.length) throw new DecryptError('malformed key file (length)');
    len = 0;
    for (let i = 0; i < k; i++) len = len * 256 + buf[p + i]!;
    p += k;
  }
  if (p + len > buf.length) throw new DecryptError('truncated key file');
  return { tag, body: buf.subarray(p, p + len), end: p + len };
}

/** The children of a SEQUENCE body. */
function children(body: Buffer): Node[] {
  const out: Node[] = [];
  for (let at = 0; at < body.length;) {
    const n = readTlv(body, at);
    out.push({ tag: n.tag, body: n.body });
    at = n.end;
  }
  return out;
}

function expect(n: Node | undefined, tag: number, what: string): Buffer {
  if (!n || n.tag !== tag) throw new DecryptError(`not a supported encrypted key file (${what})`);
  return n.body;
}

function uint(b: Buffer, what: string): number {
  if (!b.length || b.length > 6 || b[0]! & 0x80) throw new DecryptError(`not a supported encrypted key file (${what})`);
  return b.reduce((v, x) => v * 256 + x, 0);
}

const scrypt = (pass: Buffer, salt: Buffer, len: number, o: ScryptOptions): Promise<Buffer> =>
  new Promise((res, rej) => scryptCb(pass, salt, len, o, (e, k) => (e ? rej(e) : res(k))));

/** Passphrases typed on different systems may compose "й" differently; NFC makes them one. */
const passBytes = (passphrase: string): Buffer => Buffer.from(passphrase.normalize('NFC'), 'utf8');

function pem(der: Buffer): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `${PEM_BEGIN}\n${lines.join('\n')}\n${PEM_END}\n`;
}

/**
 * Encrypts a private key (any type Node can export as PKCS#8) with `passphrase` (NFC-normalized,
 * UTF-8) into an "ENCRYPTED PRIVATE KEY" PEM: PBES2 with scrypt (a fresh 16-byte salt, cost
 * `cost`, default DEFAULT_SCRYPT) and AES-256-CBC (a fresh IV), RFC 5958 / 8018 / 7914.
 */
export async function encryptPrivateKey(key: KeyObject, passphrase: string, cost: { log2N: number; r: number; p: number } = DEFAULT_SCRYPT): Promise<string> {
  const clear = key.export({ format: 'der', type: 'pkcs8' });
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const N = 2 ** cost.log2N;
  const dk = await scrypt(passBytes(passphrase), salt, 32, { N, r: cost.r, p: cost.p, maxmem: MAX_SCRYPT_MEM });
  const c = createCipheriv('aes-256-cbc', dk, iv);
  const enc = Buffer.concat([c.update(clear), c.final()]);
  clear.fill(0);
  dk.fill(0);
  const algo = seq(oid(OID_PBES2), seq(
    seq(oid(OID_SCRYPT), seq(octets(salt), integer(N), integer(cost.r), integer(cost.p), integer(32))),
    seq(oid(OID_AES256_CBC), octets(iv)),
  ));
  return pem(seq(algo, octets(enc)));
}

/**
 * Decrypts an "ENCRYPTED PRIVATE KEY" PEM made by encryptPrivateKey (PBES2 + scrypt +
 * AES-256-CBC) into a Node private KeyObject. Throws DecryptError when the text is not such a
 * file, when its scrypt cost exceeds 512 MiB, and when the passphrase is wrong (which shows as
 * bad padding or as bytes that are not a PKCS#8 key).
 */
export async function decryptPrivateKey(pemText: string, passphrase: string): Promise<KeyObject> {
  const text = pemText.trim();
  if (!text.startsWith(PEM_BEGIN) || !text.endsWith(PEM_END)) throw new DecryptError('not an encrypted private key (PEM "ENCRYPTED PRIVATE KEY" expected)');
  const der = Buffer.from(text.slice(PEM_BEGIN.length, -PEM_END.length).replace(/\s+/g, ''), 'base64');
  const top = readTlv(der, 0);
  const [algo, data] = children(expect(top, 0x30, 'EncryptedPrivateKeyInfo'));
  const [algoOid, params] = children(expect(algo, 0x30, 'algorithm'));
  if (!expect(algoOid, 0x06, 'algorithm').equals(OID_PBES2)) throw new DecryptError('not a supported encrypted key file (PBES2 expected)');
  const [kdf, scheme] = children(expect(params, 0x30, 'PBES2 parameters'));
  const [kdfOid, kdfParams] = children(expect(kdf, 0x30, 'key derivation'));
  if (!expect(kdfOid, 0x06, 'key derivation').equals(OID_SCRYPT)) throw new DecryptError('not a supported encrypted key file (scrypt expected)');
  const sp = children(expect(kdfParams, 0x30, 'scrypt parameters'));
  const salt = expect(sp[0], 0x04, 'salt');
  const N = uint(expect(sp[1], 0x02, 'N'), 'N');
  const r = uint(expect(sp[2], 0x02, 'r'), 'r');
  const p = uint(expect(sp[3], 0x02, 'p'), 'p');
  if (sp[4] && uint(expect(sp[4], 0x02, 'key length'), 'key length') !== 32) throw new DecryptError('not a supported encrypted key file (key length)');
  if (N < 2 || (N & (N - 1)) !== 0 || 128 * N * r + 128 * r * p > MAX_SCRYPT_MEM) throw new DecryptError('encrypted key file asks for an unreasonable scrypt cost');
  const [schemeOid, ivNode] = children(expect(scheme, 0x30, 'encryption scheme'));
  if (!expect(schemeOid, 0x06, 'encryption scheme').equals(OID_AES256_CBC)) throw new DecryptError('not a supported encrypted key file (AES-256-CBC expected)');
  const iv = expect(ivNode, 0x04, 'IV');
  if (iv.length !== 16) throw new DecryptError('not a supported encrypted key file (IV)');
  const enc = expect(data, 0x04, 'encrypted data');
  const dk = await scrypt(passBytes(passphrase), salt, 32, { N, r, p, maxmem: MAX_SCRYPT_MEM });
  let clear: Buffer;
  try {
    const d = createDecipheriv('aes-256-cbc', dk, iv);
    clear = Buffer.concat([d.update(enc), d.final()]);
  } catch {
    throw new DecryptError('wrong passphrase');
  } finally {
    dk.fill(0);
  }
  try {
    return createPrivateKey({ key: clear, format: 'der', type: 'pkcs8' });
  } catch {
    throw new DecryptError('wrong passphrase');
  } finally {
    clear.fill(0);
  }
}
