// Issue 12, "Done when": a signed, sealed, time-stamped evidence set passes the tools a recipient
// already has (ssh-keygen -Y verify, gpg --verify, openssl ts -verify, sha256sum -c, a BagIt
// validator) and `evidence verify-bag`; each forgery of the report is refused by name: edited
// bag-info, renamed custody actors, a removed custody event, a bag re-made with another key.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';
import { bagFilesFromDir, copyBag, editCustody, rehashTagManifests } from '../helpers/verifier-bags.ts';
import { verifyBag as verifyInBrowser } from '../../electron/verifier-web/verify.ts';
import { verdictOf as browserVerdict } from '../../electron/verifier-web/verdict.ts';
import { custodyRowHash } from '../../electron/core/custody/hash.ts';
import { createKey, unlockKey } from '../../electron/core/signing/keystore.ts';
import { signBag } from '../../electron/core/signing/bag-signature.ts';
import type { CustodyEvent } from '../../electron/common/types.ts';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const TOOLS = ['ssh-keygen', 'gpg', 'openssl', 'sha256sum'].every(has);
const BAGCHECK = join(SHARED_DIR, 'tools', 'bagcheck.py');

interface Report { valid: boolean; verdict: { level: string; sentence: string }; checks: { name: string; ok: boolean; warning?: boolean; detail: string }[] }

describe.skipIf(!TOOLS)('a court-ready evidence set', () => {
  const work = mkdtempSync(join(tmpdir(), 'court-set-'));
  const archive = join(work, 'archive');
  const bag = join(work, 'set');
  const saved = { ...process.env };
  let tsa: TestTsa;
  let caFile: string;
  let fingerprint: string;

  const verifyBag = async (dir: string, ...extra: string[]) => {
    const r = await runCli('verify-bag', dir, '--json', '--tsa-ca', caFile, ...extra);
    return { code: r.code, report: JSON.parse(r.out) as Report };
  };
  const failing = (r: Report) => r.checks.filter((c) => !c.ok).map((c) => c.name);

  beforeAll(async () => {
    process.env.EVIDENCE_KEYS_DIR = join(work, 'keys');
    process.env.EVIDENCE_KEY_PASSPHRASE = 'a passphrase for tests';
    process.env.EVIDENCE_OPERATOR = 'A. Usenova';
    delete process.env.EVIDENCE_KEY;
    delete process.env.EVIDENCE_TSA;
    tsa = await startTestTsa();
    caFile = join(work, 'tsa-ca.pem');
    writeFileSync(caFile, tsa.caPem);
    const info = await createKey({ name: 'Usenova', passphrase: 'a passphrase for tests', dir: join(work, 'keys'), scrypt: { log2N: 14, r: 8, p: 1 } });
    fingerprint = info.fingerprint;
    const src = join(work, 'card');
    execFileSync('mkdir', ['-p', src]);
    for (const [name, text] of [['IMG_0001.JPG', 'first'], ['IMG_0002.JPG', 'second'], ['VOICE_001.M4A', 'third']] as const) writeFileSync(join(src, name), `${text} file of the card\n`);
    expect((await runCli('ingest', src, '--archive', archive)).code).toBe(0);
    const ex = await runCli('export', '--archive', archive, '--all', '--out', bag, '--recipient', 'Prosecutor General', '--tsa', tsa.url, '--lang', 'ky');
    expect(ex.code, ex.err).toBe(0);
    expect(ex.out).toContain(`Signed by ${fingerprint}`);
  }, 120_000);

  afterAll(async () => {
    await tsa?.close();
    process.env = saved;
    rmSync(work, { recursive: true, force: true });
  });

  it('is valid for verify-bag with the pinned key and the TSA root, and says so in one sentence', async () => {
    const { code, report } = await verifyBag(bag, '--expect-key', fingerprint);
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.verdict.level).toBe('valid');
    expect(report.verdict.sentence).toMatch(/^VALID: every file is as listed, signed by SHA256:/u);
    expect(code).toBe(0);
    // Without the pinned key: intact, but the key is said to be unpinned, not shown as valid.
    const unpinned = await verifyBag(bag);
    expect(unpinned.code).toBe(5);
    expect(unpinned.report.verdict.level).toBe('intact-unproven');
    expect(unpinned.report.checks.find((c) => c.name === 'signer')).toMatchObject({ ok: true, warning: true });
  });

  it('carries the custody report, VERIFY.html and the signatures, all under the tag manifest but the signatures', () => {
    const listed = readFileSync(join(bag, 'tagmanifest-sha256.txt'), 'utf8');
    for (const f of ['VERIFY.html', 'bag-info.txt', 'evidence/custody-report.pdf', 'evidence/custody-report.html', 'evidence/custody.json']) expect(listed).toContain(`  ${f}\n`);
    expect(listed).not.toContain('signatures/');
    const custody = JSON.parse(readFileSync(join(bag, 'evidence', 'custody.json'), 'utf8')) as { seal: { signer: { fingerprint: string }; seq: number }; chainHead: { seq: number }; proof: { format: string } };
    expect(custody.seal.signer.fingerprint).toBe(fingerprint);
    expect(custody.seal.seq).toBe(custody.chainHead.seq);
    expect(custody.proof.format).toBe('evidence-custody-proof/1');
  });

  it('passes ssh-keygen -Y verify, gpg --verify, openssl ts -verify, sha256sum -c and bagcheck.py; each refuses one changed byte of the tag manifest', () => {
    const sig = (dir: string) => spawnSync('ssh-keygen', ['-Y', 'verify', '-f', 'signatures/allowed_signers', '-I', 'Usenova', '-n', 'file', '-s', 'signatures/tagmanifest-sha256.txt.sshsig'],
      { cwd: dir, input: readFileSync(join(dir, 'tagmanifest-sha256.txt')) });
    const gnupg = mkdtempSync(join(work, 'gnupg-'));
    const gpg = (dir: string, ...args: string[]) => spawnSync('gpg', ['--batch', '--homedir', gnupg, ...args], { cwd: dir });
    const ts = (dir: string) => spawnSync('openssl', ['ts', '-verify', '-data', 'tagmanifest-sha256.txt', '-in', 'signatures/tagmanifest-sha256.txt.1.tsr', '-CAfile', 'signatures/tagmanifest-sha256.txt.1.tsr.crt'], { cwd: dir });
    expect(sig(bag).status, sig(bag).stderr.toString()).toBe(0);
    expect(gpg(bag, '--import', 'signatures/signer.asc').status).toBe(0);
    expect(gpg(bag, '--verify', 'signatures/tagmanifest-sha256.txt.asc', 'tagmanifest-sha256.txt').status).toBe(0);
    expect(ts(bag).status, ts(bag).stdout.toString() + ts(bag).stderr.toString()).toBe(0);
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'manifest-sha256.txt'], { cwd: bag }).status).toBe(0);
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'tagmanifest-sha256.txt'], { cwd: bag }).status).toBe(0);
    if (existsSync(BAGCHECK)) expect(spawnSync('python3', [BAGCHECK, bag]).status).toBe(0);

    const bent = copyBag(bag, join(work, 'one-byte'));
    const tm = join(bent, 'tagmanifest-sha256.txt');
    const bytes = readFileSync(tm);
    bytes[3] = bytes[3] === 0x30 ? 0x31 : 0x30;
    writeFileSync(tm, bytes);
    expect(sig(bent).status).not.toBe(0);
    expect(gpg(bent, '--verify', 'signatures/tagmanifest-sha256.txt.asc', 'tagmanifest-sha256.txt').status).not.toBe(0);
    expect(ts(bent).status).not.toBe(0);
  });

  it('refuses a bag-info edited and back-dated with the tag manifest recomputed: the signature no longer holds', async () => {
    const d = copyBag(bag, join(work, 'bag-info'));
    const p = join(d, 'bag-info.txt');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^Contact-Name: .*$/mu, 'Contact-Name: Someone Else')
      .replace(/^Source-Organization: .*$/mu, 'Source-Organization: Another Office').replace(/^Bagging-Date: .*$/mu, 'Bagging-Date: 2021-05-04'));
    rehashTagManifests(d);
    const { code, report } = await verifyBag(d, '--expect-key', fingerprint);
    expect(code).toBe(1);
    expect(report.verdict.level).toBe('invalid');
    expect(failing(report)).toEqual(expect.arrayContaining(['signature (sshsig)', 'signature (openpgp)']));
  });

  it('refuses every custody actor renamed with the event hashes and the tag manifest recomputed: signature, seal proof and timestamp fail', async () => {
    const d = copyBag(bag, join(work, 'actors'));
    editCustody(d, (doc) => {
      let prev: string | null = null;
      for (const e of doc.events) {
        e.actor = 'Someone Else';
        if (prev !== null && e.prevHash !== prev) { /* not consecutive: keep its own link */ } else if (prev !== null) e.prevHash = prev;
        e.hash = custodyRowHash(e);
        prev = e.hash;
      }
    });
    rehashTagManifests(d);
    const { code, report } = await verifyBag(d, '--expect-key', fingerprint);
    expect(code).toBe(1);
    expect(failing(report)).toEqual(expect.arrayContaining(['signature (sshsig)', 'custody seal']));
    expect(report.checks.find((c) => c.name === 'timestamp 1')?.ok).toBe(false);
  });

  it('refuses a custody event removed (the tag manifest recomputed): the completeness proof names it', async () => {
    const d = copyBag(bag, join(work, 'removed'));
    let removed: CustodyEvent | undefined;
    editCustody(d, (doc) => {
      removed = doc.events.find((e) => e.type === 'fixity check' || e.type === 'metadata extraction');
      doc.events = doc.events.filter((e) => e !== removed);
    });
    expect(removed).toBeDefined();
    rehashTagManifests(d);
    const { code, report } = await verifyBag(d, '--expect-key', fingerprint);
    expect(code).toBe(1);
    const seal = report.checks.find((c) => c.name === 'custody seal');
    expect(seal?.ok).toBe(false);
    expect(seal?.detail).toMatch(new RegExp(`\\b${removed!.seq}\\b`, 'u'));
  });

  it('refuses the bag re-made and re-signed with another key: not the pinned key, and not the key that sealed the history', async () => {
    const d = copyBag(bag, join(work, 'other-key'));
    const other = await createKey({ name: 'Forger', passphrase: 'another passphrase', dir: join(work, 'keys-forger'), scrypt: { log2N: 14, r: 8, p: 1 } });
    await signBag(d, await unlockKey(other, 'another passphrase'), 'Usenova');
    const pinned = await verifyBag(d, '--expect-key', fingerprint);
    expect(pinned.code).toBe(1);
    expect(failing(pinned.report)).toContain('signer');
    const unpinned = await verifyBag(d);
    expect(unpinned.code).toBe(1);
    expect(unpinned.report.checks.find((c) => c.name === 'custody seal' && !c.ok)?.detail).toContain(`sealed by ${fingerprint}`);
  });

  it('refuses a sealed set whose signatures were removed (an event hidden as "withheld"), with and without --expect-key, in verify-bag and VERIFY.html alike', async () => {
    const d = copyBag(bag, join(work, 'stripped'));
    editCustody(d, (doc) => {
      const victim = doc.events.find((e) => e.type === 'metadata extraction')!;
      doc.events = doc.events.filter((e) => e !== victim);
      doc.withheldSeqs = [...(doc.withheldSeqs ?? []), victim.seq].sort((x, y) => x - y);
    });
    rehashTagManifests(d);
    rmSync(join(d, 'signatures'), { recursive: true });
    for (const extra of [[], ['--expect-key', fingerprint]]) {
      const { code, report } = await verifyBag(d, ...extra);
      expect(code).toBe(1);
      expect(report.checks.find((c) => c.name === 'custody seal')).toMatchObject({ ok: false, detail: expect.stringContaining("the set's signatures were removed") });
    }
    const page = await verifyInBrowser(bagFilesFromDir(d));
    expect(browserVerdict(page, '').level).toBe('invalid');
    expect(browserVerdict(page, fingerprint).level).toBe('invalid');
    // The genuine set reads the same in both verifiers.
    const genuine = await verifyInBrowser(bagFilesFromDir(bag));
    expect([browserVerdict(genuine, '').level, browserVerdict(genuine, fingerprint).level]).toEqual(['intact-unproven', 'valid']);
  });

  it('a recipient\'s own mistake is a usage error (exit 2), not the set\'s fault: a malformed --expect-key, a --tsa-ca without a certificate', async () => {
    const bad = await runCli('verify-bag', bag, '--expect-key', 'garbage');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--expect-key garbage: not a key fingerprint/u);
    const notCa = join(work, 'not-a-ca.pem');
    writeFileSync(notCa, 'ssh-ed25519 AAAA\n');
    const r = await runCli('verify-bag', bag, '--tsa-ca', notCa);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds no PEM certificate/u);
  });

  it('evidence timestamp adds a token later, to the record and to the bag still on disk', async () => {
    const ex = await runCli('export', '--archive', archive, '--all', '--out', join(work, 'offline'), '--json');
    expect(ex.code, ex.err).toBe(0);
    const id = (JSON.parse(ex.out) as { exportId: string }).exportId;
    const before = await verifyBag(join(work, 'offline'), '--expect-key', fingerprint);
    expect(before.report.verdict.sentence).toContain('no trusted timestamp');
    const t = await runCli('timestamp', '--archive', archive, '--export', id, '--tsa', tsa.url);
    expect(t.code, t.err).toBe(0);
    const after = await verifyBag(join(work, 'offline'), '--expect-key', fingerprint);
    expect(after.report.verdict.level).toBe('valid');
    expect(after.code).toBe(0);
    // The archive still verifies: the seal events, the exports and the token records agree.
    const v = await runCli('verify', '--archive', archive);
    expect(v.code, v.out + v.err).toBe(0);
  });

  it('evidence seal --tsa time-stamps the seal; verify-bag checks the seal\'s token too', async () => {
    const sealed = await runCli('seal', '--archive', archive, '--tsa', tsa.url, '--json');
    expect(sealed.code, sealed.err).toBe(0);
    const seal = (JSON.parse(sealed.out) as { seal: { timestamps?: { tsa: string }[] } }).seal;
    expect(seal.timestamps?.map((t) => t.tsa)).toEqual([tsa.url]);
    // The next export carries that seal (nothing new since it), and its token is checked.
    const ex = await runCli('export', '--archive', archive, '--all', '--out', join(work, 'stamped-seal'));
    expect(ex.code, ex.err).toBe(0);
    const { report } = await verifyBag(join(work, 'stamped-seal'), '--expect-key', fingerprint);
    const line = report.checks.find((c) => c.name === 'seal timestamp 1');
    expect(line?.ok, line?.detail).toBe(true);
  });

  it('an export with --no-sign is intact but says it is neither signed nor sealed (exit 5), and warns at export', async () => {
    const ex = await runCli('export', '--archive', archive, '--all', '--out', join(work, 'unsigned'), '--no-sign');
    expect(ex.code).toBe(0);
    expect(ex.err).toMatch(/warning: --no-sign/u);
    const { code, report } = await verifyBag(join(work, 'unsigned'));
    expect(code).toBe(5);
    expect(report.verdict.sentence).toMatch(/it is not signed/u);
    expect(report.verdict.sentence).toMatch(/not sealed/u);
    // Told to expect a key, the recipient is right to refuse a set with no signature at all.
    const pinned = await verifyBag(join(work, 'unsigned'), '--expect-key', fingerprint);
    expect(pinned.code).toBe(1);
    expect(pinned.report.checks.find((c) => c.name === 'signature')?.ok).toBe(false);
    expect(createHash('sha256').update(readFileSync(join(work, 'unsigned', 'VERIFY.html'))).digest('hex')).toHaveLength(64);
  });
});
