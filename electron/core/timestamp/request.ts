// The RFC 3161 client: one TimeStampReq (§2.4.1) POSTed to a TSA over HTTP(S) (RFC 3161 §3.4),
// and its reply checked (§2.4.2) before anyone stores it. The network is touched only here, and
// only when a caller asks for a token.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { TimestampError, TokenProblem } from './errors.ts';
import { checkEku, checkImprint, checkSignature, dnString, OID, parseTimeStampResp, pathFor, isSelfIssued, toPem, validateChain } from './token.ts';

/** A checked time-stamp token from one TSA. */
export interface TimestampResult {
  /** The TSA's URL. */
  tsa: string;
  /** The full DER TimeStampResp as received (what `openssl ts -verify -in` reads). */
  tsr: Buffer;
  /**
   * The TSA certificate and the issuers the token carries, leaf first, as PEM: with the root
   * included, `openssl ts -verify -data F -in X.tsr -CAfile X.tsr.crt` succeeds.
   */
  chainPem: string;
  /** Whether chainPem ends in a self-signed root; when false the recipient needs the TSA's CA (--tsa-ca). */
  rootIncluded: boolean;
  /** A sentence for the user when the result needs one (no root in the token). */
  note?: string;
  /** TSTInfo genTime, ISO 8601 UTC. */
  genTime: string;
  /** TSTInfo serialNumber, lower-case hex. */
  serial: string;
  /** TSTInfo policy OID. */
  policy: string;
  /** The TSA's name: TSTInfo's tsa field, else the TSA certificate's subject. */
  tsaName?: string;
  /** SHA-256 of `tsr`, hex. */
  tokenSha256: string;
}

export interface TimestampRequestOptions {
  /** Whole request, connect to last byte (default 15 000 ms). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** TSA policy OID to ask for (reqPolicy); the TSA's default when absent. */
  policy?: string;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * `url` as it may be shown and recorded: a password in it (some commercial TSAs take HTTP basic
 * authentication as https://user:password@host/…) replaced by "***"; otherwise unchanged.
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
/** A TimeStampResp with its chain is a few kilobytes; anything far larger is not one. */
const MAX_REPLY_BYTES = 1024 * 1024;

/**
 * The DER TimeStampReq (RFC 3161 §2.4.1): version 1, SHA-256 message imprint, `nonce` (8 random
 * bytes, as a positive INTEGER), certReq TRUE, and reqPolicy when given.
 */
export function buildTimeStampReq(sha256: Buffer, nonce: Buffer, policy?: string): Buffer {
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: new Uint8Array(sha256) }),
    }),
    nonce: new asn1js.Integer({ valueHex: new Uint8Array(unsignedDerInteger(nonce)) }),
    certReq: true,
    ...(policy ? { reqPolicy: policy } : {}),
  });
  return Buffer.from(req.toSchema().toBER(false));
}

/**
 * Content octets of a DER INTEGER holding `bytes` read as an unsigned big-endian number: minimal
 * (no leading zero byte unless the next has its top bit set), so positive (X.690 §8.3.2).
 */
function unsignedDerInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  return v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : Buffer.from(v);
}

/** The value of a DER INTEGER's content octets as an unsigned big-endian hex string without leading zeros. */
const intHex = (i: asn1js.Integer) => Buffer.from(i.valueBlock.valueHexView).toString('hex').replace(/^(00)+(?=.)/u, '');

/**
 * POSTs `body` as application/timestamp-query to `target` (named `url` in errors) and returns the reply body of a 200.
 * Throws TimestampError: bad-url, unreachable, timeout, aborted, http-status.
 */
function post(target: string, url: string, body: Buffer, opts: TimestampRequestOptions): Promise<Buffer> {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return Promise.reject(new TimestampError(url, 'bad-url', 'not a URL; give the TSA as http://… or https://…'));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    return Promise.reject(new TimestampError(url, 'bad-url', `${u.protocol} is not supported; give the TSA as http://… or https://…`));
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const finish = (err: TimestampError | null, value?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(value!);
    };
    const onAbort = () => finish(new TimestampError(url, 'aborted', 'the request was cancelled'));
    const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(u, {
      method: 'POST',
      // One connection per request, closed after it: no idle keep-alive socket holds the CLI open.
      agent: false,
      headers: { 'Content-Type': 'application/timestamp-query', Accept: 'application/timestamp-reply', 'Content-Length': body.length },
    }, (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        const where = res.headers.location ? ` (redirected to ${res.headers.location}; give that URL)` : '';
        res.resume();
        finish(new TimestampError(url, 'http-status', `the TSA answered HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trimEnd() + where));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_REPLY_BYTES) finish(new TimestampError(url, 'not-a-response', `the reply is larger than ${MAX_REPLY_BYTES} bytes; not a TimeStampResp`));
        else chunks.push(c);
      });
      res.on('end', () => finish(null, Buffer.concat(chunks)));
      res.on('error', (e) => finish(new TimestampError(url, 'unreachable', `the connection broke during the reply (${(e as NodeJS.ErrnoException).code ?? e.message})`)));
    });
    const timer = setTimeout(() => finish(new TimestampError(url, 'timeout', `no complete reply within ${(timeoutMs / 1000).toLocaleString('en')} s`)), timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => finish(new TimestampError(url, 'unreachable', unreachableReason(e))));
    if (opts.signal?.aborted) {
      onAbort();
      return;
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

function unreachableReason(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ECONNREFUSED': return 'unreachable: the connection was refused (no TSA listening there)';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'unreachable: the host name cannot be resolved (offline, or a typo in the URL?)';
    case 'ENETUNREACH': case 'EHOSTUNREACH': return 'unreachable: no route to the host (offline?)';
    case 'ECONNRESET': return 'unreachable: the connection was reset';
    case 'ETIMEDOUT': return 'unreachable: the connection timed out';
    default: return `unreachable: ${e.code ? `${e.code}, ` : ''}${e.message}`;
  }
}

/**
 * Asks the TSA at `url` for a time-stamp token over a SHA-256 digest (RFC 3161 §2.4.1: SHA-256
 * imprint, a random 64-bit nonce, certReq TRUE) and checks the reply (§2.4.2): status granted or
 * grantedWithMods, a TimeStampToken present, the message imprint and nonce equal to the request's,
 * the CMS signature verifies with the ESS-named TSA certificate, whose extendedKeyUsage is
 * critical and timeStamping only (§2.3); when the token carries its root, the chain is validated
 * to it at genTime. Uses the network (HTTP or HTTPS POST, application/timestamp-query).
 * Throws TimestampError (with the URL and a plain reason) for each failure: bad-url, unreachable,
 * timeout (opts.timeoutMs, default 15 s), aborted (opts.signal), http-status, not-a-response,
 * rejected (statusString and failInfo), no-token, imprint-mismatch, nonce-mismatch,
 * bad-signature, eku, certificate.
 */
export async function requestTimestampForDigest(url: string, sha256: Buffer, opts: TimestampRequestOptions = {}): Promise<TimestampResult> {
  const shown = shownUrl(url);
  if (sha256.length !== 32) throw new TimestampError(shown, 'imprint-mismatch', `a SHA-256 digest is 32 bytes, not ${sha256.length}`);
  const nonce = randomBytes(8);
  const tsr = await post(url, shown, buildTimeStampReq(sha256, nonce, opts.policy), opts);
  try {
    return await checkReply(shown, tsr, sha256, nonce);
  } catch (e) {
    if (e instanceof TokenProblem) throw new TimestampError(shown, e.kind, e.reason);
    throw e;
  }
}

/** requestTimestampForDigest over SHA-256(`data`). Same errors. */
export function requestTimestamp(url: string, data: Buffer, opts: TimestampRequestOptions = {}): Promise<TimestampResult> {
  return requestTimestampForDigest(url, createHash('sha256').update(data).digest(), opts);
}

async function checkReply(url: string, tsr: Buffer, sha256: Buffer, nonce: Buffer): Promise<TimestampResult> {
  const t = parseTimeStampResp(tsr);
  checkImprint(t, { sha256 });
  const sent = Buffer.from(nonce).toString('hex').replace(/^(00)+(?=.)/u, '');
  if (!t.tst.nonce) throw new TokenProblem('nonce-mismatch', 'the token has no nonce, but the request sent one: it may be a replayed reply');
  const got = intHex(t.tst.nonce);
  if (got !== sent) throw new TokenProblem('nonce-mismatch', `the token's nonce ${got} is not the request's ${sent}: a reply to another request (or replayed)`);
  if (!t.certs.length) throw new TokenProblem('certificate', 'the token carries no certificate although the request asked for it (certReq)');
  const signer = checkSignature(t);
  checkEku(signer);
  const path = pathFor(signer, t.certs);
  const root = path[path.length - 1]!;
  const rootIncluded = isSelfIssued(root);
  if (rootIncluded) {
    const v = await validateChain(signer, path, [root], t.genTime);
    if ('error' in v) throw new TokenProblem('certificate', `the certificates the TSA sent do not form a valid chain to its root: ${v.error}`);
  }
  const tsaName = t.tsaName ?? dnString(signer.subject);
  return {
    tsa: url,
    tsr,
    chainPem: toPem(path),
    rootIncluded,
    ...(rootIncluded ? {} : { note: `the token does not carry the TSA's root certificate (${dnString(root.issuer)}); a recipient verifies it with that CA's certificate (verify-bag --tsa-ca FILE)` }),
    genTime: t.genTime.toISOString(),
    serial: t.serial,
    policy: t.policy,
    tsaName,
    tokenSha256: createHash('sha256').update(tsr).digest('hex'),
  };
}
