// The RFC 3161 client and offline verifier against a real TSA (`openssl ts -reply` behind a
// loopback HTTP server, tests/helpers/tsa.ts), checked also with the real `openssl ts -verify`.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestTimestamp, requestTimestampForDigest, TimestampError, verifyTimestampToken, type TimestampResult } from '../../electron/core/timestamp/index.ts';
import { resolveTsaUrls } from '../../electron/core/timestamp/urls.ts';
import { startTestTsa, type TestTsa, type TsaMode } from '../helpers/tsa.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-tsa-client-'));
const DATA = Buffer.from('tagmanifest: the bytes a court wants to know existed\n');
let tsa: TestTsa;

beforeAll(async () => {
  tsa = await startTestTsa();
}, 30_000);
afterAll(async () => {
  await tsa?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Runs `openssl ts -verify -data … -in … -CAfile …`; returns its exit status and output. */
function opensslVerify(name: string, data: Buffer, r: { tsr: Buffer }, caFilePem: string): { status: number | null; out: string } {
  const d = join(work, `${name}.data`);
  const t = join(work, `${name}.tsr`);
  const c = join(work, `${name}.tsr.crt`);
  writeFileSync(d, data);
  writeFileSync(t, r.tsr);
  writeFileSync(c, caFilePem);
  const p = spawnSync('openssl', ['ts', '-verify', '-data', d, '-in', t, '-CAfile', c], { encoding: 'utf8' });
  return { status: p.status, out: `${p.stdout}${p.stderr}` };
}

/** The TimestampError a request to the test TSA in `mode` gives. */
async function failure(mode: TsaMode, opts: { timeoutMs?: number } = {}): Promise<TimestampError> {
  tsa.setMode(mode);
  try {
    await requestTimestamp(tsa.url, DATA, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(TimestampError);
    return e as TimestampError;
  } finally {
    tsa.setMode('ok');
  }
  throw new Error(`mode ${mode}: the request succeeded`);
}

describe('a token from a real TSA', () => {
  let r: TimestampResult;
  beforeAll(async () => {
    r = await requestTimestamp(tsa.url, DATA);
  });

  it('is requested as RFC 3161 §2.4.1 asks: SHA-256 imprint, a 64-bit nonce, certReq, application/timestamp-query', () => {
    expect(tsa.last?.contentType).toBe('application/timestamp-query');
    const q = pkijs.TimeStampReq.fromBER(new Uint8Array(tsa.last!.query));
    expect(q.version).toBe(1);
    expect(q.messageImprint.hashAlgorithm.algorithmId).toBe('2.16.840.1.101.3.4.2.1');
    expect(Buffer.from(q.messageImprint.hashedMessage.valueBlock.valueHexView)).toEqual(createHash('sha256').update(DATA).digest());
    expect(q.certReq).toBe(true);
    const nonce = Buffer.from(q.nonce!.valueBlock.valueHexView);
    expect(nonce.length).toBeGreaterThanOrEqual(7); // 64 random bits, minimal DER (8 bytes, 9 with a sign byte)
    expect(nonce.length).toBeLessThanOrEqual(9);
  });

  it('carries what the TSA signed: genTime, serial, policy, TSA name, the chain up to the root', () => {
    expect(Math.abs(Date.parse(r.genTime) - Date.now())).toBeLessThan(60_000);
    expect(r.genTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(r.serial).toMatch(/^[0-9a-f]+$/);
    expect(r.policy).toBe('1.2.3.4.1');
    expect(r.tsaName).toBe('CN=Evidence Test TSA, O=Evidence Archive tests');
    expect(r.rootIncluded).toBe(true);
    expect(r.note).toBeUndefined();
    expect(r.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(r.chainPem.startsWith(tsa.tsaCertPem.trim().slice(0, 80))).toBe(true); // the TSA certificate first
    expect(r.chainPem.trim().endsWith(tsa.caPem.trim())).toBe(true); // then the root
    expect(r.tokenSha256).toBe(createHash('sha256').update(r.tsr).digest('hex'));
  });

  it('verifies with ours (given CA, or the chain it carries) and with `openssl ts -verify`', async () => {
    const given = await verifyTimestampToken(r.tsr, DATA, { caPem: tsa.caPem, chainPem: r.chainPem });
    expect(given).toMatchObject({ ok: true, trustedBy: 'given-ca', genTime: r.genTime, serial: r.serial, tsaName: r.tsaName });
    expect(given.note).toBeUndefined();
    const carried = await verifyTimestampToken(r.tsr, DATA, { chainPem: r.chainPem });
    expect(carried).toMatchObject({ ok: true, trustedBy: 'bag-chain', root: { subject: 'CN=Evidence Test Root CA, O=Evidence Archive tests' } });
    expect(carried.note).toMatch(/^trusted by the chain the bag carries .*compare the fingerprint with the TSA's published one/);
    const fp = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256'], { input: tsa.caPem, encoding: 'utf8' }).trim().split('=')[1];
    expect(carried.root?.sha256).toBe(fp);
    expect(await verifyTimestampToken(r.tsr, { sha256: createHash('sha256').update(DATA).digest() }, { caPem: tsa.caPem })).toMatchObject({ ok: true, trustedBy: 'given-ca' });
    const o = opensslVerify('good', DATA, r, r.chainPem);
    expect(o.out).toContain('Verification: OK');
    expect(o.status).toBe(0);
  });

  it('is refused by ours and by openssl after one byte of the data changes', async () => {
    const changed = Buffer.from(DATA);
    changed[5]! ^= 0x20;
    const v = await verifyTimestampToken(r.tsr, changed, { chainPem: r.chainPem });
    expect(v.ok).toBe(false);
    expect(v.trustedBy).toBeNull();
    expect(v.reason).toMatch(/^the token is for other data: its message imprint is sha256 [0-9a-f]{64}, the data's is [0-9a-f]{64}$/);
    const o = opensslVerify('changed', changed, r, r.chainPem);
    expect(o.status).not.toBe(0);
    expect(o.out).toMatch(/Verification: FAILED[\s\S]*message imprint mismatch/);
  });

  it('is refused when one byte of the token changes, or under another CA of the same name', async () => {
    const sigAt = r.tsr.length - 10; // inside the signature value, the token's last field
    const bad = Buffer.from(r.tsr);
    bad[sigAt]! ^= 0x01;
    const v = await verifyTimestampToken(bad, DATA, { chainPem: r.chainPem });
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/signature/);
    expect(opensslVerify('bad-token', DATA, { tsr: bad }, r.chainPem).status).not.toBe(0);
    const other = await startTestTsa({ freshPki: true });
    try {
      const w = await verifyTimestampToken(r.tsr, DATA, { caPem: other.caPem, chainPem: r.chainPem });
      expect(w).toMatchObject({ ok: false, trustedBy: null });
      expect(w.reason).toMatch(/^the TSA certificate does not chain to the CA given \(--tsa-ca\): /);
      expect(opensslVerify('other-ca', DATA, r, other.caPem).status).not.toBe(0);
      // A bag whose .tsr.crt was replaced by another root's: the token's signer does not chain to it.
      const swapped = await verifyTimestampToken(r.tsr, DATA, { chainPem: other.caPem });
      expect(swapped).toMatchObject({ ok: false, trustedBy: null });
      expect(swapped.reason).toMatch(/^the TSA certificate does not chain to the root the bag carries: /);
      // Without a chain file, the root the token carries is the anchor (still 'bag-chain').
      expect(await verifyTimestampToken(r.tsr, DATA, {})).toMatchObject({ ok: true, trustedBy: 'bag-chain' });
    } finally {
      await other.close();
    }
  });

  it('reports an unreadable CA file and a truncated token plainly, without throwing', async () => {
    expect(await verifyTimestampToken(r.tsr, DATA, { caPem: 'not a certificate' })).toMatchObject({ ok: false,
      reason: 'the TSA CA file (--tsa-ca) holds no certificate (expected PEM "BEGIN CERTIFICATE" blocks)' });
    const cut = await verifyTimestampToken(r.tsr.subarray(0, 100), DATA, {});
    expect(cut.ok).toBe(false);
    expect(cut.reason).toMatch(/^the reply is not a TimeStampResp/);
  });
});

describe('a TSA whose token does not carry its root', () => {
  it('is accepted with a note; the recipient needs the CA (ours and openssl)', async () => {
    tsa.setMode('no-root');
    let r: TimestampResult;
    try {
      r = await requestTimestamp(tsa.url, DATA);
    } finally {
      tsa.setMode('ok');
    }
    expect(r.rootIncluded).toBe(false);
    expect(r.note).toBe("the token does not carry the TSA's root certificate (CN=Evidence Test Root CA, O=Evidence Archive tests); a recipient verifies it with that CA's certificate (verify-bag --tsa-ca FILE)");
    expect(r.chainPem.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
    const alone = await verifyTimestampToken(r.tsr, DATA, { chainPem: r.chainPem });
    expect(alone).toMatchObject({ ok: false, trustedBy: null });
    expect(alone.reason).toBe("the TSA's root certificate (CN=Evidence Test Root CA, O=Evidence Archive tests) is not in its .tsr.crt file; give that CA's certificate (--tsa-ca FILE) to verify the token");
    expect(opensslVerify('no-root-alone', DATA, r, r.chainPem).status).not.toBe(0);
    expect(await verifyTimestampToken(r.tsr, DATA, { chainPem: r.chainPem, caPem: tsa.caPem })).toMatchObject({ ok: true, trustedBy: 'given-ca' });
    expect(opensslVerify('no-root-ca', DATA, r, tsa.caPem).status).toBe(0);
  });
});

describe('an RSA TSA', () => {
  it('gives a token that verifies with ours and with openssl', async () => {
    const rsa = await startTestTsa({ keyType: 'rsa' });
    try {
      const r = await requestTimestamp(rsa.url, DATA);
      expect(await verifyTimestampToken(r.tsr, DATA, { caPem: rsa.caPem, chainPem: r.chainPem })).toMatchObject({ ok: true, trustedBy: 'given-ca' });
      expect(opensslVerify('rsa', DATA, r, r.chainPem).status).toBe(0);
      const changed = Buffer.concat([DATA, Buffer.from('x')]);
      expect((await verifyTimestampToken(r.tsr, changed, { chainPem: r.chainPem })).ok).toBe(false);
      expect(opensslVerify('rsa-changed', changed, r, r.chainPem).status).not.toBe(0);
    } finally {
      await rsa.close();
    }
  }, 30_000);
});

describe('each misbehaving TSA gives its own clear error', () => {
  const url = () => tsa.url;

  it('HTTP 500', async () => {
    const e = await failure('http-500');
    expect([e.kind, e.url, e.message]).toEqual(['http-status', url(), `${url()}: the TSA answered HTTP 500 Internal Server Error`]);
  });

  it('slower than the timeout', async () => {
    const t0 = Date.now();
    const e = await failure('slow', { timeoutMs: 300 });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect([e.kind, e.reason]).toEqual(['timeout', 'no complete reply within 0.3 s']);
  });

  it('garbage instead of a TimeStampResp', async () => {
    const e = await failure('garbage');
    expect(e.kind).toBe('not-a-response');
    expect(e.reason).toMatch(/^the reply is not a TimeStampResp \(not DER: .*; it begins "<html>Service temporaril"\)$/);
  });

  it('a reply for another message imprint', async () => {
    const e = await failure('wrong-imprint');
    expect(e.kind).toBe('imprint-mismatch');
    expect(e.reason).toMatch(/^the token is for other data: its message imprint is sha256 [0-9a-f]{64}, the data's is [0-9a-f]{64}$/);
  });

  it('a reply for another nonce', async () => {
    const e = await failure('wrong-nonce');
    expect(e.kind).toBe('nonce-mismatch');
    expect(e.reason).toMatch(/^the token's nonce 1092 is not the request's [0-9a-f]+: a reply to another request \(or replayed\)$/);
  });

  it('a TSA certificate whose extendedKeyUsage is not critical', async () => {
    const e = await failure('eku-not-critical');
    expect(e.kind).toBe('eku');
    expect(e.reason).toBe('the TSA certificate (CN=Evidence Test TSA, O=Evidence Archive tests) has an extendedKeyUsage that is not critical; RFC 3161 §2.3 requires it critical, with timeStamping only');
  });

  it('a rejection, with its statusString and failInfo', async () => {
    const e = await failure('reject');
    expect(e.kind).toBe('rejected');
    expect(e.reason).toBe('the TSA refused the request: status rejection, "Message digest algorithm is not supported.", failInfo badAlg (unrecognized or unsupported algorithm)');
  });

  it('a token whose signature was altered', async () => {
    const e = await failure('bad-signature');
    expect(e.kind).toBe('bad-signature');
    expect(e.reason).toMatch(/^the token's signature does not hold: the signature value does not match/);
  });

  it('nothing listening', async () => {
    const port = await new Promise<number>((res) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => res(p));
      });
    });
    const dead = `http://127.0.0.1:${port}/tsr`;
    const err = (await requestTimestamp(dead, DATA).catch((e: unknown) => e)) as TimestampError;
    expect(err).toBeInstanceOf(TimestampError);
    expect([err.kind, err.message]).toEqual(['unreachable', `${dead}: unreachable: the connection was refused (no TSA listening there)`]);
  });

  it('a cancelled request, a URL that is not http(s), a digest that is not SHA-256', async () => {
    tsa.setMode('slow');
    try {
      const ac = new AbortController();
      const p = requestTimestamp(tsa.url, DATA, { signal: ac.signal }).catch((e: unknown) => e as TimestampError);
      setTimeout(() => ac.abort(), 50);
      expect(await p).toMatchObject({ kind: 'aborted', reason: 'the request was cancelled' });
    } finally {
      tsa.setMode('ok');
    }
    expect(await requestTimestamp('ftp://tsa.example/', DATA).catch((e: unknown) => e)).toMatchObject({ kind: 'bad-url', reason: 'ftp: is not supported; give the TSA as http://… or https://…' });
    expect(await requestTimestampForDigest(tsa.url, Buffer.alloc(20)).catch((e: unknown) => e)).toMatchObject({ reason: 'a SHA-256 digest is 32 bytes, not 20' });
  });
});

describe('TSA URLs', () => {
  it('never show or record a password given in them (HTTP basic authentication)', async () => {
    const withAuth = tsa.url.replace('http://', 'http://docs:s3cret@');
    const r = await requestTimestamp(withAuth, DATA);
    expect(r.tsa).toBe(tsa.url.replace('http://', 'http://docs:***@'));
    tsa.setMode('http-500');
    try {
      const e = (await requestTimestamp(withAuth, DATA).catch((x: unknown) => x)) as TimestampError;
      expect(e.url).toBe(r.tsa);
      expect(e.message).not.toContain('s3cret');
    } finally {
      tsa.setMode('ok');
    }
  });

  it('come from --tsa, else from EVIDENCE_TSA (comma-separated)', () => {
    expect(resolveTsaUrls(['http://a/', ' http://b/ ', 'http://a/'], 'http://env/')).toEqual(['http://a/', 'http://b/']);
    expect(resolveTsaUrls([], ' http://x/ , ,http://y/')).toEqual(['http://x/', 'http://y/']);
    expect(resolveTsaUrls(undefined, undefined)).toEqual([]);
  });
});
