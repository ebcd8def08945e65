// A real RFC 3161 time-stamping authority for tests: a root CA and a TSA certificate (critical
// extendedKeyUsage timeStamping) made with `openssl` in a temporary folder, and a loopback HTTP
// server that answers each POSTed TimeStampReq with `openssl ts -reply`. It can be told to
// misbehave the ways a TSA on the internet does (down, slow, garbage, a reply meant for another
// request, a certificate without a critical EKU, a rejection), so the client's checks are tested
// against the tool recipients use, not against our own encoder.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

const run = promisify(execFile);

/** How the test TSA answers. */
export type TsaMode =
  /** A granted token from `openssl ts -reply`, carrying the TSA certificate and the root. */
  | 'ok'
  /** A granted token carrying only the TSA certificate (no -chain): the recipient needs the CA. */
  | 'no-root'
  /** HTTP 500. */
  | 'http-500'
  /** Answers only after `slowMs` (longer than the client's timeout in tests). */
  | 'slow'
  /** HTTP 200 with a body that is not DER. */
  | 'garbage'
  /** A valid token for another message imprint (the request's hash with one byte changed). */
  | 'wrong-imprint'
  /** A valid token for the same imprint but another nonce. */
  | 'wrong-nonce'
  /** The token signed (openssl cms -cades) by a TSA certificate whose extendedKeyUsage is not critical. */
  | 'eku-not-critical'
  /** `openssl ts -reply` refusing the request (its [tsa] section accepts only SHA-1 imprints): status rejection, badAlg. */
  | 'reject'
  /** A token from openssl whose signature value has one bit flipped. */
  | 'bad-signature';

export interface TestTsa {
  /** http://127.0.0.1:PORT/tsr */
  url: string;
  /** The root CA certificate (PEM), what a recipient passes as --tsa-ca. */
  caPem: string;
  /** The TSA's signing certificate (PEM). */
  tsaCertPem: string;
  /** The DER TimeStampReq of the last POST, and its Content-Type. */
  last: { query: Buffer; contentType: string | undefined } | null;
  /** POSTs answered so far. */
  requests: number;
  setMode(mode: TsaMode): void;
  /** Stops the server, dropping requests held by 'slow'. */
  close(): Promise<void>;
}

export interface TestTsaOptions {
  mode?: TsaMode;
  /** Key algorithm of the CA and TSA keys (default 'ec': P-256, generated in milliseconds). */
  keyType?: 'ec' | 'rsa';
  /** A PKI of its own instead of the one shared by every test TSA of this process with the same keyType. */
  freshPki?: boolean;
  /** Delay of mode 'slow' (default 5000 ms). */
  slowMs?: number;
}

interface Pki {
  dir: string;
  caPem: string;
  tsaCertPem: string;
  files: { cnf: string; key: string; cert: string; weakCert: string; ca: string };
}

const CNF = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3_tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = critical, timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v3_tsa_weak]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
extendedKeyUsage = timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[tsa]
default_tsa = tsa_ok
[tsa_ok]
serial = SERIAL
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
crypto_device = builtin
[tsa_reject]
serial = SERIAL
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha1
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
crypto_device = builtin
`;

const tmpDirs: string[] = [];
process.once('exit', () => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

async function makePki(keyType: 'ec' | 'rsa'): Promise<Pki> {
  const dir = mkdtempSync(join(tmpdir(), 'ea-test-tsa-'));
  tmpDirs.push(dir);
  const f = (n: string) => join(dir, n);
  writeFileSync(f('openssl.cnf'), CNF.replaceAll('SERIAL', f('serial')));
  writeFileSync(f('serial'), '01\n');
  const keyArgs = keyType === 'ec' ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
  const opts = { cwd: dir };
  await Promise.all([
    run('openssl', ['genpkey', ...keyArgs, '-out', f('ca.key')], opts),
    run('openssl', ['genpkey', ...keyArgs, '-out', f('tsa.key')], opts),
  ]);
  await run('openssl', ['req', '-new', '-x509', '-key', f('ca.key'), '-subj', '/CN=Evidence Test Root CA/O=Evidence Archive tests', '-days', '3650',
    '-config', f('openssl.cnf'), '-extensions', 'v3_ca', '-out', f('ca.pem')], opts);
  await run('openssl', ['req', '-new', '-key', f('tsa.key'), '-subj', '/CN=Evidence Test TSA/O=Evidence Archive tests', '-config', f('openssl.cnf'), '-out', f('tsa.csr')], opts);
  const sign = (ext: string, serial: string, out: string) => run('openssl', ['x509', '-req', '-in', f('tsa.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'),
    '-set_serial', serial, '-days', '3650', '-extfile', f('openssl.cnf'), '-extensions', ext, '-out', f(out)], opts);
  await Promise.all([sign('v3_tsa', '2', 'tsa.pem'), sign('v3_tsa_weak', '3', 'tsa-weak.pem')]);
  return {
    dir,
    caPem: readFileSync(f('ca.pem'), 'utf8'),
    tsaCertPem: readFileSync(f('tsa.pem'), 'utf8'),
    files: { cnf: f('openssl.cnf'), key: f('tsa.key'), cert: f('tsa.pem'), weakCert: f('tsa-weak.pem'), ca: f('ca.pem') },
  };
}

const shared = new Map<string, Promise<Pki>>();

/** DER length octets. */
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const derSeq = (...parts: Buffer[]) => {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
};

function parseResp(der: Buffer): { resp: pkijs.TimeStampResp; signed: pkijs.SignedData } {
  const resp = pkijs.TimeStampResp.fromBER(new Uint8Array(der));
  const signed = new pkijs.SignedData({ schema: resp.timeStampToken!.content });
  return { resp, signed };
}

/**
 * Starts a test TSA on 127.0.0.1 (random port). The PKI is made once per process and key type
 * (unless freshPki) and removed at exit; each request runs one `openssl ts -reply` (~10 ms),
 * one at a time (openssl's serial file is not safe for concurrent use).
 */
export async function startTestTsa(opts: TestTsaOptions = {}): Promise<TestTsa> {
  const keyType = opts.keyType ?? 'ec';
  let pkiP = opts.freshPki ? undefined : shared.get(keyType);
  if (!pkiP) {
    pkiP = makePki(keyType);
    if (!opts.freshPki) shared.set(keyType, pkiP);
  }
  const pki = await pkiP;
  const work = mkdtempSync(join(pki.dir, 'srv-'));
  let mode: TsaMode = opts.mode ?? 'ok';
  const slowMs = opts.slowMs ?? 5000;
  let counter = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();

  /** `openssl ts -reply` for `query` (DER), serialized; returns the DER TimeStampResp. */
  const reply = (query: Buffer, o: { section?: string; chain?: boolean } = {}): Promise<Buffer> => {
    const p = queue.then(async () => {
      const n = ++counter;
      const q = join(work, `${n}.tsq`);
      const r = join(work, `${n}.tsr`);
      writeFileSync(q, query);
      await run('openssl', ['ts', '-reply', '-config', pki.files.cnf, '-section', o.section ?? 'tsa_ok', '-queryfile', q,
        '-inkey', pki.files.key, '-signer', pki.files.cert, ...(o.chain === false ? [] : ['-chain', pki.files.ca]), '-out', r]);
      const out = readFileSync(r);
      rmSync(q, { force: true });
      rmSync(r, { force: true });
      return out;
    });
    queue = p.catch(() => undefined);
    return p;
  };

  const answer = async (query: Buffer): Promise<{ status: number; body: Buffer }> => {
    const ok = (body: Buffer) => ({ status: 200, body });
    switch (mode) {
      case 'ok':
        return ok(await reply(query));
      case 'no-root':
        return ok(await reply(query, { chain: false }));
      case 'http-500':
        return { status: 500, body: Buffer.from('internal error\n') };
      case 'garbage':
        return ok(Buffer.from('<html>Service temporarily unavailable</html>\n'));
      case 'reject':
        return ok(await reply(query, { section: 'tsa_reject' }));
      case 'wrong-imprint':
      case 'wrong-nonce': {
        const req = pkijs.TimeStampReq.fromBER(new Uint8Array(query));
        if (mode === 'wrong-imprint') {
          const h = Buffer.from(req.messageImprint.hashedMessage.valueBlock.valueHexView);
          h[0]! ^= 0x01;
          req.messageImprint.hashedMessage = new asn1js.OctetString({ valueHex: h });
        } else {
          req.nonce = new asn1js.Integer({ value: 4242 });
        }
        return ok(await reply(Buffer.from(req.toSchema().toBER())));
      }
      case 'bad-signature': {
        const good = await reply(query);
        const sig = Buffer.from(parseResp(good).signed.signerInfos[0]!.signature.valueBlock.valueHexView);
        const at = good.indexOf(sig);
        const bad = Buffer.from(good);
        bad[at + sig.length - 1]! ^= 0x01;
        return ok(bad);
      }
      case 'eku-not-critical': {
        // openssl ts -reply refuses a signer without a critical EKU, so the TSTInfo it made is
        // signed again by openssl cms (with the ESS signingCertificateV2 attribute, as a TSA does).
        const good = await reply(query);
        const tst = Buffer.from(parseResp(good).signed.encapContentInfo.eContent!.getValue());
        const n = ++counter;
        const tstFile = join(work, `${n}.tst`);
        const cmsFile = join(work, `${n}.cms`);
        writeFileSync(tstFile, tst);
        await run('openssl', ['cms', '-sign', '-binary', '-nodetach', '-cades', '-nosmimecap', '-md', 'sha256', '-econtent_type', '1.2.840.113549.1.9.16.1.4',
          '-in', tstFile, '-signer', pki.files.weakCert, '-inkey', pki.files.key, '-certfile', pki.files.ca, '-outform', 'DER', '-out', cmsFile]);
        const cms = readFileSync(cmsFile);
        rmSync(tstFile, { force: true });
        rmSync(cmsFile, { force: true });
        return ok(derSeq(derSeq(Buffer.from([0x02, 0x01, 0x00])), cms));
      }
      case 'slow':
        await new Promise<void>((res) => {
          const t = setTimeout(() => {
            timers.delete(t);
            res();
          }, slowMs);
          timers.add(t);
        });
        return ok(await reply(query));
    }
  };

  const tsa: TestTsa = {
    url: '',
    caPem: pki.caPem,
    tsaCertPem: pki.tsaCertPem,
    last: null,
    requests: 0,
    setMode: (m) => {
      mode = m;
    },
    close: () => new Promise<void>((res) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      server.close(() => {
        rmSync(work, { recursive: true, force: true });
        res();
      });
    }),
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const query = Buffer.concat(chunks);
      tsa.last = { query, contentType: req.headers['content-type'] };
      tsa.requests++;
      answer(query).then(({ status, body }) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'Content-Type': status === 200 ? 'application/timestamp-reply' : 'text/plain', 'Content-Length': body.length });
        res.end(body);
      }, (e: unknown) => {
        if (res.destroyed) return;
        const msg = Buffer.from(`test TSA failed: ${(e as Error).message}\n`);
        res.writeHead(500, { 'Content-Type': 'text/plain', 'Content-Length': msg.length }).end(msg);
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => res());
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('test TSA: no port');
  tsa.url = `http://127.0.0.1:${addr.port}/tsr`;
  return tsa;
}
