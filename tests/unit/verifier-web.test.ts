// The checks of VERIFY.html (electron/verifier-web), run in Node on bags written by writeBag,
// signed with sshsig.ts and sealed by the reference implementation of docs/seal-and-proof.md:
// a valid set passes, and each forgery fails on exactly the lines that name it. The page itself
// is tested in Chromium by tests/e2e/verify-html.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawEd25519PublicKey, sshFingerprint } from '../../electron/core/signing/sshsig.ts';
import { checkProof, checkSeal } from '../../electron/verifier-web/custody.ts';
import { verdictOf } from '../../electron/verifier-web/verdict.ts';
import { verifyBag, type VerifyReport } from '../../electron/verifier-web/verify.ts';
import { rehash } from '../helpers/custody-chain.ts';
import { bagFilesFromDir, copyBag, editCustody, makeBag, newKey, PGP_SIG_FILE, rehashTagManifests, signBag, TAMPERS, tsaResponse, type BagSpec, type MadeBag } from '../helpers/verifier-bags.ts';

const key = newKey();
const forger = newKey();
const fingerprint = sshFingerprint(rawEd25519PublicKey(key));
const PAYLOAD: BagSpec['payload'] = [
  { name: 'photo-1.jpg', content: Buffer.from('\xff\xd8\xff\xe0 first photo', 'latin1') },
  { name: 'Көк-Таш/video-2.mp4', content: Buffer.alloc(70_000, 7) },
  { name: 'notes 100%.txt', content: Buffer.from('a file with a percent sign\n') },
];

const failing = (r: VerifyReport) => r.lines.filter((l) => l.status === 'fail').map((l) => l.id).sort();
const statusOf = (r: VerifyReport, id: string) => r.lines.find((l) => l.id === id)?.status;

describe('verifier-web verifyBag', () => {
  let tmp: string;
  let full: string;
  let redacted: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'verifier-web-'));
    full = (await makeBag(tmp, 'full', { payload: PAYLOAD, key })).bagDir;
    redacted = (await makeBag(tmp, 'redacted', { payload: PAYLOAD, key, redacted: true })).bagDir;
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('passes a signed, sealed set, naming the signer', async () => {
    const r = await verifyBag(bagFilesFromDir(full));
    expect(r.lines.filter((l) => l.status === 'fail').map((l) => [l.id, l.problems])).toEqual([]);
    expect(r.failed).toBe(false);
    expect(r.signed).toBe(true);
    expect(r.sealed).toBe(true);
    expect(r.signer).toMatchObject({ fingerprint, identity: 'archivist@bir-duino.test' });
    expect(r.signer?.openPgpFingerprint).toMatch(/^[0-9A-F]{40}$/u);
    expect(r.sealFingerprint).toBe(fingerprint);
    expect(r.payloadFiles).toBe(3);
    expect(r.lines.map((l) => l.id)).toEqual(['bagit', 'bag-info', 'manifest-md5', 'manifest-sha256', 'payload-listed', 'tagmanifest-md5', 'tagmanifest-sha256',
      'signature', 'timestamps', 'custody-events', 'seal', 'proof', 'items']);
    expect(statusOf(r, 'timestamps')).toBe('warn');
  });

  it('passes a redacted set whose withheld seqs are all sealed events of its items', async () => {
    const r = await verifyBag(bagFilesFromDir(redacted));
    expect(r.lines.filter((l) => l.status === 'fail').map((l) => [l.id, l.problems])).toEqual([]);
    expect(r.sealed).toBe(true);
  });

  it('finds the bag inside the folder chosen above it', async () => {
    const files = bagFilesFromDir(tmp).filter((f) => f.path.startsWith('full/'));
    const r = await verifyBag(files);
    expect(r.failed).toBe(false);
  });

  it('says "not signed" and "not sealed" rather than valid', async () => {
    const unsigned = await makeBag(tmp, 'unsigned', { payload: PAYLOAD, key, sign: false, seal: 'none' });
    let r = await verifyBag(bagFilesFromDir(unsigned.bagDir));
    expect(r.failed).toBe(false);
    expect(r.signed).toBe(false);
    expect(statusOf(r, 'signature')).toBe('warn');
    expect(r.lines.find((l) => l.id === 'signature')?.summary.key).toBe('signature.none');

    // A genuine seal in a set without any signature: an archive that seals also signs, so the
    // signatures were removed (and with them what binds withheldSeqs), as verify-bag says.
    const stripped = await makeBag(tmp, 'stripped', { payload: PAYLOAD, key, sign: false });
    r = await verifyBag(bagFilesFromDir(stripped.bagDir));
    expect(r.failed).toBe(true);
    expect(statusOf(r, 'seal')).toBe('fail');

    const unsealed = await makeBag(tmp, 'unsealed', { payload: PAYLOAD, key, seal: 'none' });
    r = await verifyBag(bagFilesFromDir(unsealed.bagDir));
    expect(r.failed).toBe(false);
    expect([r.signed, r.sealed]).toEqual([true, false]);
    expect([statusOf(r, 'seal'), statusOf(r, 'proof')]).toEqual(['warn', 'warn']);

    const unsignedSeal = await makeBag(tmp, 'unsigned-seal', { payload: PAYLOAD, key, seal: 'unsigned' });
    r = await verifyBag(bagFilesFromDir(unsignedSeal.bagDir));
    expect(r.failed).toBe(false);
    expect(r.sealed).toBe(false);
    expect(r.lines.find((l) => l.id === 'seal')?.summary.key).toBe('seal.unsigned');
  });

  it('refuses a folder that is not a bag, in one line', async () => {
    const r = await verifyBag([{ path: 'holiday.jpg', size: 3, read: async () => new Uint8Array(3) }]);
    expect(r.lines.map((l) => [l.id, l.status, l.summary.key])).toEqual([['bagit', 'fail', 'bag.notABag']]);
  });

  for (const t of TAMPERS) {
    it(`refuses ${t.name}`, async () => {
      const dir = copyBag(t.base === 'full' ? full : redacted, join(tmp, `t-${TAMPERS.indexOf(t)}`));
      await t.apply(dir, forger);
      const r = await verifyBag(bagFilesFromDir(dir));
      expect(failing(r)).toEqual([...t.failing].sort());
      expect(r.failed).toBe(true);
    });
  }

  it('names a removed custody event by its seq', async () => {
    const t = TAMPERS.find((x) => x.name.startsWith('a custody event removed'))!;
    const dir = copyBag(full, join(tmp, 'removed-seq'));
    await t.apply(dir, forger);
    const r = await verifyBag(bagFilesFromDir(dir));
    const proof = r.lines.find((l) => l.id === 'proof')!;
    expect(proof.problems.map((p) => p.msg.key)).toEqual(['proof.leafRemoved']);
    // The forger's own key signed it; the page shows that fingerprint for the user to compare.
    expect(r.signer?.fingerprint).toBe(sshFingerprint(rawEd25519PublicKey(forger)));
    expect(r.sealFingerprint).toBe(fingerprint);
  });
});

describe('verifier-web: rules of docs/seal-and-proof.md that bind keys to items', () => {
  let tmp: string;
  let redacted: MadeBag;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'verifier-web-bind-'));
    redacted = await makeBag(tmp, 'redacted', { payload: PAYLOAD, key, redacted: true });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('refuses an item whose events are all declared withheld, even signed by the sealing key (rule 5: nothing binds its key)', async () => {
    const dir = copyBag(redacted.bagDir, join(tmp, 'all-withheld'));
    const x = redacted.items[0]!;
    editCustody(dir, (doc) => {
      const gone = doc.events.filter((e) => e.item === x).map((e) => e.seq);
      doc.events = doc.events.filter((e) => e.item !== x);
      doc.withheldSeqs = [...(doc.withheldSeqs ?? []), ...gone].sort((a, b) => a - b);
    });
    rehashTagManifests(dir);
    await signBag(dir, key, 'archivist@bir-duino.test');
    const r = await verifyBag(bagFilesFromDir(dir));
    expect(r.lines.find((l) => l.id === 'proof')?.problems.map((p) => p.msg.key)).toEqual(['proof.itemUnbound']);
    expect(verdictOf(r, fingerprint).level).toBe('invalid');
  });

  it('refuses a neighbour whose key is not on the right side of the item\'s range (rule 5), and an event of an item outside the set (rule 4)', async () => {
    const dir = copyBag(redacted.bagDir, join(tmp, 'neighbour'));
    editCustody(dir, (doc) => {
      const proof = doc.proof as { leaves: { itemKey: string }[] };
      // The first revealed leaf is the neighbour before some item's range: give it the largest key there is.
      proof.leaves[0]!.itemKey = 'f'.repeat(64);
    });
    const doc = JSON.parse(readFileSync(join(dir, 'evidence', 'custody.json'), 'utf8'));
    const excerpt = { events: doc.events, withheld: new Set<number>(doc.withheldSeqs), head: doc.chainHead, seal: doc.seal, proof: doc.proof };
    const keys = checkProof(excerpt, checkSeal(excerpt), redacted.items).map((p) => p.msg.key);
    expect(keys).toContain('proof.itemOpenStart');
    const stranger = { ...doc.events[0], item: 'e'.repeat(64) };
    rehash(stranger);
    const withStranger = { ...excerpt, events: [...excerpt.events, stranger] };
    expect(checkProof(withStranger, checkSeal(withStranger), redacted.items).map((p) => p.msg.key)).toContain('proof.eventStranger');
  });

  it('refuses an unsigned seal that still names a signer', async () => {
    const dir = copyBag(redacted.bagDir, join(tmp, 'half-seal'));
    editCustody(dir, (doc) => {
      delete (doc.seal as Record<string, unknown>).signature;
    });
    rehashTagManifests(dir);
    await signBag(dir, key, 'archivist@bir-duino.test');
    const r = await verifyBag(bagFilesFromDir(dir));
    expect(r.lines.find((l) => l.id === 'seal')?.problems.map((p) => p.msg.key)).toEqual(['seal.signerSignature']);
  });
});

describe('verifier-web verdict, as verify-bag judges', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'verifier-web-verdict-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is valid only when signed by the key given, sealed and time-stamped; intact-unproven says what is missing', async () => {
    const bag = await makeBag(tmp, 'stamped', { payload: PAYLOAD, key });
    let r = await verifyBag(bagFilesFromDir(bag.bagDir));
    expect(verdictOf(r, '')).toMatchObject({ level: 'intact-unproven', missing: ['verdict.missingUnpinned', 'verdict.missingTimestamp'] });
    const tm = readFileSync(join(bag.bagDir, 'tagmanifest-sha256.txt'));
    writeFileSync(join(bag.bagDir, 'signatures', 'tagmanifest-sha256.txt.1.tsr'), tsaResponse(join(tmp, 'tsa'), tm));
    r = await verifyBag(bagFilesFromDir(bag.bagDir));
    expect(verdictOf(r, '')).toMatchObject({ level: 'intact-unproven', missing: ['verdict.missingUnpinned'] });
    expect(verdictOf(r, fingerprint)).toMatchObject({ level: 'valid', key: 'verdict.valid', params: { time: r.timestamps[0] } });
    // As --expect-key: without the prefix, with padding, or the OpenPGP fingerprint with spaces.
    expect(verdictOf(r, `${fingerprint.slice(7)}=`).level).toBe('valid');
    expect(verdictOf(r, r.signer!.openPgpFingerprint!.replace(/(.{4})/gu, '$1 ')).level).toBe('valid');
    expect(verdictOf(r, sshFingerprint(rawEd25519PublicKey(forger)))).toMatchObject({ level: 'invalid', key: 'verdict.wrongKey' });

    // A chain file left without its token: a token was removed.
    writeFileSync(join(bag.bagDir, 'signatures', 'tagmanifest-sha256.txt.2.tsr.crt'), 'chain');
    r = await verifyBag(bagFilesFromDir(bag.bagDir));
    expect(r.lines.find((l) => l.id === 'timestamps')?.problems.map((p) => p.msg.key)).toEqual(['timestamps.orphanChain']);
    expect(verdictOf(r, fingerprint).level).toBe('invalid');
  });

  it('refuses a set whose OpenPGP signature was removed or re-made by another key, as verify-bag does', async () => {
    const bag = await makeBag(tmp, 'pgp', { payload: PAYLOAD, key });
    let dir = copyBag(bag.bagDir, join(tmp, 'pgp-removed'));
    rmSync(join(dir, PGP_SIG_FILE));
    let r = await verifyBag(bagFilesFromDir(dir));
    expect(r.lines.find((l) => l.id === 'signature')?.problems.map((p) => [p.file, p.msg.key])).toEqual([[PGP_SIG_FILE, 'signature.pgpMissing']]);
    dir = copyBag(bag.bagDir, join(tmp, 'pgp-other'));
    const other = join(tmp, 'other-signed');
    mkdirSync(other);
    writeFileSync(join(other, 'tagmanifest-sha256.txt'), readFileSync(join(dir, 'tagmanifest-sha256.txt')));
    await signBag(other, forger, 'someone');
    writeFileSync(join(dir, PGP_SIG_FILE), readFileSync(join(other, PGP_SIG_FILE)));
    r = await verifyBag(bagFilesFromDir(dir));
    expect(r.lines.find((l) => l.id === 'signature')?.problems.map((p) => p.msg.key)).toEqual(['signature.pgpOtherKey']);
    // Every signature file gone from a sealed set: refused, since an archive that seals also signs
    // (verify-bag says the same), with or without the fingerprint typed.
    dir = copyBag(bag.bagDir, join(tmp, 'unsigned'));
    rmSync(join(dir, 'signatures'), { recursive: true });
    r = await verifyBag(bagFilesFromDir(dir));
    expect([r.failed, verdictOf(r, fingerprint).level, verdictOf(r, '').level]).toEqual([true, 'invalid', 'invalid']);
  });
});

describe('verifier-web sshsig against OpenSSH', () => {
  it('accepts what ssh-keygen -Y sign writes and prints the fingerprint ssh-keygen -l prints', async () => {
    const { execFileSync } = await import('node:child_process');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { sshsigVerify, parseAllowedSigners, findAllowedSigner } = await import('../../electron/verifier-web/sshsig.ts');
    const dir = mkdtempSync(join(tmpdir(), 'verifier-web-ssh-'));
    try {
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'clerk test', '-f', join(dir, 'id')]);
      const data = join(dir, 'tagmanifest-sha256.txt');
      writeFileSync(data, 'abc  bagit.txt\n');
      execFileSync('ssh-keygen', ['-Y', 'sign', '-f', join(dir, 'id'), '-n', 'file', data], { stdio: 'ignore' });
      const v = sshsigVerify(readFileSync(`${data}.sig`, 'utf8'), readFileSync(data), 'file');
      const printed = execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'id.pub')], { encoding: 'utf8' }).split(' ')[1];
      expect(v.fingerprint).toBe(printed);
      expect(() => sshsigVerify(readFileSync(`${data}.sig`, 'utf8'), Buffer.from('abd  bagit.txt\n'), 'file')).toThrow(/does not match/);
      expect(() => sshsigVerify(readFileSync(`${data}.sig`, 'utf8'), readFileSync(data), 'evidence-seal@evidence-archive')).toThrow(/namespace/);
      const pub = readFileSync(join(dir, 'id.pub'), 'utf8').trim();
      const signers = parseAllowedSigners(`# comment\n"clerk one",clerk@x namespaces="file,git" ${pub}\nother@x cert-authority ${pub}\n`);
      expect(findAllowedSigner(signers, v.publicKey, 'file')?.principals).toBe('clerk one,clerk@x');
      expect(findAllowedSigner(signers, v.publicKey, 'email')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('verifier-web digestFile', () => {
  it('gives the digests node:crypto gives, streamed in slices and read whole', async () => {
    const { createHash, randomBytes } = await import('node:crypto');
    const { digestFile, CHUNK_BYTES } = await import('../../electron/verifier-web/digest.ts');
    const data = randomBytes(2 * CHUNK_BYTES + 12345);
    const reads: number[] = [];
    const file = { path: 'data/x', size: data.length, read: async (a: number, b: number) => {
      reads.push(b - a);
      return new Uint8Array(data.subarray(a, b));
    } };
    let seen = 0;
    // MD5 is not in WebCrypto: the whole file streams through @noble/hashes in slices.
    const streamed = await digestFile(file, ['sha256', 'md5', 'sha1'], (n) => (seen += n));
    expect(streamed).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), md5: createHash('md5').update(data).digest('hex'), sha1: createHash('sha1').update(data).digest('hex') });
    expect(reads).toEqual([CHUNK_BYTES, CHUNK_BYTES, 12345]);
    expect(seen).toBe(data.length);
    reads.length = 0;
    expect(await digestFile(file, ['sha256', 'sha512'])).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), sha512: createHash('sha512').update(data).digest('hex') });
    expect(reads).toEqual([data.length]);
    const empty = { path: 'data/empty', size: 0, read: async () => new Uint8Array(0) };
    expect((await digestFile(empty, ['md5'])).md5).toBe('d41d8cd98f00b204e9800998ecf8427e');
  });
});

describe('verifier-web time-stamp tokens', () => {
  it('reads an openssl TSA token: its time, and whether it names the tag manifest or the seal', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs');
    const canonicalize = (await import('canonicalize')).default;
    const { readTimestamp } = await import('../../electron/verifier-web/timestamp.ts');
    const dir = mkdtempSync(join(tmpdir(), 'verifier-web-tsa-'));
    try {
      const bag = await makeBag(dir, 'stamped', { payload: PAYLOAD, key });
      const tm = readFileSync(join(bag.bagDir, 'tagmanifest-sha256.txt'));
      const tsr = tsaResponse(join(dir, 'tsa'), tm);
      const before = Date.now();
      const info = readTimestamp(tsr, tm);
      expect(info.imprintMatches).toBe(true);
      expect(Math.abs(Date.parse(info.time) - before)).toBeLessThan(120_000);
      expect(readTimestamp(tsr, Buffer.from('another file')).imprintMatches).toBe(false);
      expect(() => readTimestamp(tm, tm)).toThrow();

      writeFileSync(join(bag.bagDir, 'signatures', 'tagmanifest-sha256.txt.1.tsr'), tsr);
      let r = await verifyBag(bagFilesFromDir(bag.bagDir));
      const line = r.lines.find((l) => l.id === 'timestamps')!;
      expect([line.status, line.summary.key]).toEqual(['info', 'timestamps.present']);
      expect(line.notes.map((n) => n.key)).toEqual(['timestamps.one', 'timestamps.howTo']);
      expect(r.failed).toBe(false);

      // A token for another file is refused by name.
      writeFileSync(join(bag.bagDir, 'signatures', 'tagmanifest-sha256.txt.2.tsr'), tsaResponse(join(dir, 'tsa'), Buffer.from('other')));
      r = await verifyBag(bagFilesFromDir(bag.bagDir));
      expect(r.lines.find((l) => l.id === 'timestamps')?.problems.map((p) => [p.file, p.msg.key])).toEqual([['signatures/tagmanifest-sha256.txt.2.tsr', 'timestamps.imprint']]);

      // The seal's tokens are over UTF8(JCS(seal without signature and timestamps)).
      const custodyPath = join(bag.bagDir, 'evidence', 'custody.json');
      const doc = JSON.parse(readFileSync(custodyPath, 'utf8'));
      const body = Object.fromEntries(Object.entries(doc.seal as Record<string, unknown>).filter(([k]) => k !== 'signature'));
      doc.seal.timestamps = [{ tsa: 'http://127.0.0.1/tsa', token: tsaResponse(join(dir, 'tsa'), Buffer.from(canonicalize(body)!, 'utf8')).toString('base64') }];
      writeFileSync(custodyPath, JSON.stringify(doc));
      rehashTagManifests(bag.bagDir);
      await signBag(bag.bagDir, key, 'archivist@bir-duino.test');
      rmSync(join(bag.bagDir, 'signatures', 'tagmanifest-sha256.txt.2.tsr'));
      rmSync(join(bag.bagDir, 'signatures', 'tagmanifest-sha256.txt.1.tsr'));
      r = await verifyBag(bagFilesFromDir(bag.bagDir));
      expect([r.failed, r.sealed, r.lines.find((l) => l.id === 'seal')?.notes.map((n) => n.key)]).toEqual([false, true, ['seal.timestamps']]);
      doc.seal.timestamps[0].token = tsaResponse(join(dir, 'tsa'), Buffer.from('not the seal')).toString('base64');
      writeFileSync(custodyPath, JSON.stringify(doc));
      rehashTagManifests(bag.bagDir);
      await signBag(bag.bagDir, key, 'archivist@bir-duino.test');
      r = await verifyBag(bagFilesFromDir(bag.bagDir));
      expect(r.lines.find((l) => l.id === 'seal')?.problems.map((p) => p.msg.key)).toEqual(['seal.timestampImprint']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
