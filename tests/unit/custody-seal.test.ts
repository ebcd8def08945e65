import { generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { loadMigrationSteps, openDb, type Db } from '../../electron/core/db/open.ts';
import { pseudonymKey } from '../../electron/core/db/settings.ts';
import { pseudonymKey as registerPseudonymKey } from '../../electron/core/catalog/register.ts';
import { appendCustodyEvent, chainHead, listCustodyEvents } from '../../electron/core/custody/log.ts';
import { buildProof, compareLeaves, itemKey, leafHash, mth } from '../../electron/core/custody/merkle.ts';
import { custodyTreeRoot } from '../../electron/core/custody/tree.ts';
import { sealChain, SealError, SealRefusedError, sealSignedBytes, verifySeals, type Seal, type SealSigner } from '../../electron/core/custody/seal.ts';
import { excerptProof, verifyExcerptProof, type CustodyProof, type SealedExcerpt } from '../../electron/core/custody/excerpt-proof.ts';
import { custodyRowHash } from '../../electron/core/custody/hash.ts';
import { pemFileSigner } from '../../electron/core/signing/pem-signer.ts';

await loadMigrationSteps();

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fresh(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ea-seal-'));
  dirs.push(dir);
  return { db: openDb(join(dir, 'archive.sqlite')), dir };
}

function keyFile(dir: string, name: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const file = join(dir, name);
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return file;
}

const ITEMS = ['a', 'b', 'c', 'd', 'e'].map((c) => c.repeat(64));

/** A log of a few items: ingestion and digest events, a tagging, archive-wide events between them. */
function fill(db: Db): void {
  for (const [i, item] of ITEMS.entries()) {
    appendCustodyEvent(db, { actor: 'op', type: 'ingestion', item, detail: { n: i } });
    appendCustodyEvent(db, { actor: 'op', type: 'message digest calculation', item, detail: { digests: { sha256: item } } });
    if (i % 2) appendCustodyEvent(db, { actor: 'op', type: 'fixity check', item: null, detail: { scope: 'archive', i } });
  }
  appendCustodyEvent(db, { actor: 'op', type: 'metadata modification', item: ITEMS[1]!, detail: { action: 'tagging', after: { tags: ['школа'] } } });
  appendCustodyEvent(db, { actor: 'op', type: 'fixity check', item: ITEMS[0]!, detail: { outcome: 'fail' } });
}

/** The root by the definition: every row in memory, keyed, sorted, hashed (independent of tree.ts's streaming). */
function rootByDefinition(db: Db, n: number): string {
  const secret = Buffer.from(pseudonymKey(db), 'hex');
  const leaves = listCustodyEvents(db).filter((e) => e.seq <= n).map((e) => ({ seq: e.seq, hash: e.hash, itemKey: itemKey(secret, e.item) }));
  return mth(leaves.sort(compareLeaves).map(leafHash)).toString('hex');
}

describe('the archive\'s secret', () => {
  it('is read in db/ and still exported by the register', () => {
    const { db } = fresh();
    expect(pseudonymKey(db)).toMatch(/^[0-9a-f]{64}$/);
    expect(registerPseudonymKey(db)).toBe(pseudonymKey(db));
  });
});

describe('sealChain', () => {
  it('computes the root over rows 1..N ordered by item key, as the definition does', () => {
    const { db } = fresh();
    fill(db);
    const n = chainHead(db)!.seq;
    for (const k of [0, 1, 2, 5, n]) expect(custodyTreeRoot(db, k, Buffer.from(pseudonymKey(db), 'hex'))).toBe(rootByDefinition(db, k));
  });

  it('signs the head and root, records the seal at N + 1 and under seals/, and ssh-keygen accepts the signature', async () => {
    const { db, dir } = fresh();
    fill(db);
    const head = chainHead(db)!;
    const signer = pemFileSigner(keyFile(dir, 'k.pem'));
    const seal = await sealChain(db, dir, signer, 'Айгүл', { now: () => new Date('2026-01-02T03:04:05.000Z') });
    expect(seal).toMatchObject({ format: 'evidence-seal/1', seq: head.seq, head: head.hash, leafCount: head.seq, merkleRoot: rootByDefinition(db, head.seq), sealedAt: '2026-01-02T03:04:05.000Z' });
    expect(seal.signer).toEqual({ fingerprint: signer.fingerprint, publicKey: signer.publicKeyLine });
    expect(seal.archiveId).toMatch(/^[0-9a-f-]{36}$/);
    const ev = listCustodyEvents(db).at(-1)!;
    expect(ev).toMatchObject({ seq: head.seq + 1, type: 'digital signature generation', item: null, actor: 'Айгүл', detail: { action: 'seal', seal, firstUseOfKey: true } });
    const file = join(dir, 'seals', `${String(head.seq).padStart(10, '0')}.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(seal);

    // The real OpenSSH checks the seal's signature over the JCS bytes, in the seal namespace.
    writeFileSync(join(dir, 'allowed'), `archive@test namespaces="evidence-seal@evidence-archive" ${signer.publicKeyLine}\n`);
    writeFileSync(join(dir, 'sig'), seal.signature!);
    const ok = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(dir, 'allowed'), '-I', 'archive@test', '-n', 'evidence-seal@evidence-archive', '-s', join(dir, 'sig')], { input: sealSignedBytes(seal) });
    expect(ok.status, ok.stderr?.toString()).toBe(0);
    const changed = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', join(dir, 'allowed'), '-I', 'archive@test', '-n', 'evidence-seal@evidence-archive', '-s', join(dir, 'sig')], { input: sealSignedBytes({ ...seal, seq: seal.seq - 1 }) });
    expect(changed.status).not.toBe(0);
    expect(verifySeals(db, dir)).toMatchObject({ problems: [], firstBroken: null, seals: [{ seq: head.seq, eventSeq: head.seq + 1, signed: true, rootChecked: true, holds: true }] });
  });

  it('gives no second seal to a head already sealed by the same key; a new row or another key gets one', async () => {
    const { db, dir } = fresh();
    fill(db);
    const k1 = pemFileSigner(keyFile(dir, 'k1.pem'));
    const k2 = pemFileSigner(keyFile(dir, 'k2.pem'));
    const s1 = await sealChain(db, dir, k1, 'op');
    const rows = chainHead(db)!.seq;
    expect(await sealChain(db, dir, k1, 'op')).toEqual(s1);
    expect(await sealChain(db, dir, null, 'op')).toEqual(s1); // no key: the signed seal of the head will do
    expect(chainHead(db)!.seq).toBe(rows);
    const s2 = await sealChain(db, dir, k2, 'op');
    expect(s2.seq).toBe(rows);
    expect(listCustodyEvents(db).at(-1)!.detail.firstUseOfKey).toBe(true);
    // Only seal events since k1's seal: nothing new for k1.
    expect(await sealChain(db, dir, k1, 'op')).toEqual(s1);
    appendCustodyEvent(db, { actor: 'op', type: 'fixity check', item: ITEMS[2]!, detail: {} });
    const s3 = await sealChain(db, dir, k1, 'op');
    expect(s3.seq).toBe(rows + 2);
    expect(listCustodyEvents(db).at(-1)!.detail.firstUseOfKey).toBeUndefined();
    expect(verifySeals(db, dir, { allRoots: true }).seals.map((s) => [s.seq, s.signer?.fingerprint, s.rootChecked])).toEqual([
      [rows - 1, k1.fingerprint, true], [rows, k2.fingerprint, true], [rows + 2, k1.fingerprint, true],
    ]);
  });

  it('seals without a key as unsigned, which verifySeals reports as such', async () => {
    const { db, dir } = fresh();
    fill(db);
    const s = await sealChain(db, dir, null, 'op');
    expect(s.signature).toBeUndefined();
    expect(s.signer).toBeUndefined();
    expect(verifySeals(db, dir)).toMatchObject({ problems: [], seals: [{ signed: false, signer: null, holds: true }] });
    expect(verifySeals(db, dir, { trustedFingerprints: ['SHA256:x'] }).problems.map((p) => p.reason)).toEqual([expect.stringContaining('no seal that holds is signed by an expected key')]);
  });

  it('writes a missing copy under seals/ again from the log', async () => {
    const { db, dir } = fresh();
    fill(db);
    const s = await sealChain(db, dir, null, 'op');
    const file = join(dir, 'seals', `${String(s.seq).padStart(10, '0')}.json`);
    rmSync(file);
    expect(verifySeals(db, dir).problems).toEqual([{ seq: s.seq, reason: expect.stringContaining('has no copy seals/') }]);
    await sealChain(db, dir, null, 'op');
    expect(existsSync(file)).toBe(true);
    expect(verifySeals(db, dir).problems).toEqual([]);
  });

  it('refuses to seal a chain whose rows since the last seal no longer hash, and adds nothing', async () => {
    const { db, dir } = fresh();
    fill(db);
    await sealChain(db, dir, null, 'op');
    appendCustodyEvent(db, { actor: 'op', type: 'fixity check', item: ITEMS[3]!, detail: { outcome: 'fail' } });
    const last = chainHead(db)!.seq;
    db.exec('DROP TRIGGER custody_no_update');
    db.prepare('UPDATE custody_events SET detail = ? WHERE seq = ?').run('{"outcome":"pass"}', last);
    await expect(sealChain(db, dir, null, 'op')).rejects.toThrow(SealRefusedError);
    expect(chainHead(db)!.seq).toBe(last);
  });

  it('refuses a signer whose signature is not by the key it names', async () => {
    const { db, dir } = fresh();
    fill(db);
    const k1 = pemFileSigner(keyFile(dir, 'k1.pem'));
    const k2 = pemFileSigner(keyFile(dir, 'k2.pem'));
    const liar: SealSigner = { fingerprint: k1.fingerprint, publicKeyLine: k1.publicKeyLine, signSshsig: k2.signSshsig };
    await expect(sealChain(db, dir, liar, 'op')).rejects.toThrow(SealError);
    await expect(sealChain(db, dir, { ...k1, fingerprint: k2.fingerprint }, 'op')).rejects.toThrow(/fingerprint/);
    expect(listCustodyEvents(db).some((e) => e.type === 'digital signature generation')).toBe(false);
  });
});

describe('excerpt proofs (checks 1–7)', () => {
  async function sealed() {
    const { db, dir } = fresh();
    fill(db);
    const signer = pemFileSigner(keyFile(dir, 'k.pem'));
    const seal = await sealChain(db, dir, signer, 'op');
    // Rows after the seal are not under it; the excerpt stops at its head.
    appendCustodyEvent(db, { actor: 'op', type: 'dissemination', item: ITEMS[1]!, detail: {} });
    return { db, dir, seal, signer };
  }
  const SET = [ITEMS[1]!, ITEMS[3]!];
  function excerpt(db: Db, seal: Seal, set: string[], withhold: (e: CustodyEvent) => boolean = () => false): SealedExcerpt & { events: CustodyEvent[]; proof?: CustodyProof } {
    const all = listCustodyEvents(db, { items: set }).filter((e) => e.seq <= seal.seq);
    const withheldSeqs = all.filter(withhold).map((e) => e.seq);
    return {
      chainHead: { seq: seal.seq, hash: seal.head },
      events: all.filter((e) => !withhold(e)),
      ...(withheldSeqs.length ? { withheldSeqs } : {}),
      seal, proof: excerptProof(db, seal, set),
    };
  }
  const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

  it('accepts a full and a redacted excerpt, and names the signer', async () => {
    const { db, seal, signer } = await sealed();
    const full = excerpt(db, seal, SET);
    expect(full.events.length).toBe(5);
    // Every row of the set's items and one neighbour each side of each range, no more.
    const secret = Buffer.from(pseudonymKey(db), 'hex');
    const keys = new Set(SET.map((s) => itemKey(secret, s)));
    expect(full.proof!.leaves.filter((l) => keys.has(l.itemKey)).map((l) => l.seq).sort()).toEqual(full.events.map((e) => e.seq).sort());
    expect(full.proof!.leaves.length).toBeLessThanOrEqual(full.events.length + 4);
    expect(verifyExcerptProof(full, SET)).toEqual({ problems: [], said: [], sealed: true, signer: { fingerprint: signer.fingerprint, publicKey: signer.publicKeyLine } });
    const redacted = excerpt(db, seal, SET, (e) => e.type === 'ingestion');
    expect(redacted.withheldSeqs!.length).toBe(2);
    expect(verifyExcerptProof(redacted, SET)).toMatchObject({ problems: [], sealed: true });
  });

  it('refuses an event removed, added, reordered or edited, in full and redacted excerpts', async () => {
    const { db, seal } = await sealed();
    for (const withhold of [() => false, (e: CustodyEvent) => e.type === 'ingestion']) {
      const good = excerpt(db, seal, SET, withhold);
      const first = (x: SealedExcerpt) => verifyExcerptProof(x, SET).problems[0] ?? 'accepted';

      const removed = clone(good);
      removed.events = removed.events.filter((e) => e.type !== 'fixity check' && e.type !== 'metadata modification');
      expect(first(removed)).toMatch(/^check 6: row \d+ of item .* neither among the events nor withheld: it was removed/);

      const added = clone(good);
      const foreign = listCustodyEvents(db, { item: ITEMS[2]! })[0]!;
      added.events = [...added.events, foreign].sort((a, b) => a.seq - b.seq);
      expect(first(added)).toMatch(/^check 4: event \d+ concerns item c{64}, which is not an item of the set/);

      const reordered = clone(good);
      [reordered.events[0], reordered.events[1]] = [reordered.events[1]!, reordered.events[0]!];
      expect(first(reordered)).toMatch(/^check 7: event \d+ follows event \d+/);

      const edited = clone(good);
      edited.events[edited.events.length - 1]!.actor = 'someone else';
      expect(first(edited)).toMatch(/^check 4: event \d+ was altered/);
      // Edited and re-hashed (the forger's move): the sealed leaf still has the old hash.
      const rehashed = clone(edited);
      const ev = rehashed.events[rehashed.events.length - 1]!;
      ev.hash = custodyRowHash(ev);
      expect(first(rehashed)).toMatch(/^check 4: event \d+ differs from the sealed leaf/);
    }
  });

  it('refuses a withheld row dropped, a foreign row withheld, a key swapped, and a bad seal or proof', async () => {
    const { db, seal } = await sealed();
    const red = excerpt(db, seal, SET, (e) => e.type === 'ingestion');
    const first = (x: SealedExcerpt, set = SET) => verifyExcerptProof(x, set).problems[0] ?? 'accepted';

    const dropped = clone(red);
    dropped.withheldSeqs = dropped.withheldSeqs!.slice(1);
    expect(first(dropped)).toMatch(/^check 6: row \d+ .* it was removed/);
    const foreign = clone(red);
    foreign.withheldSeqs = [...foreign.withheldSeqs!, listCustodyEvents(db, { item: ITEMS[2]! })[0]!.seq].sort((a, b) => a - b);
    expect(first(foreign)).toMatch(/^check 6: withheld row \d+ is not a sealed row of an item of the set/);

    // Item 3's events all removed and its key claimed to be item 1's: no event of item 3 binds the key.
    const swapped = clone(red);
    swapped.events = swapped.events.filter((e) => e.item !== ITEMS[3]);
    swapped.proof!.itemKeys[ITEMS[3]!] = swapped.proof!.itemKeys[ITEMS[1]!]!;
    expect(verifyExcerptProof(swapped, SET).problems).toEqual(expect.arrayContaining([expect.stringMatching(/^check 5: items .* are given the same item key/)]));

    const forgedSig = clone(red);
    (forgedSig.seal as Seal).merkleRoot = '0'.repeat(64);
    expect(first(forgedSig)).toMatch(/^check 1: the seal's signature does not hold/);
    const otherHead = clone(red);
    otherHead.chainHead = { seq: seal.seq + 1, hash: listCustodyEvents(db).at(-1)!.hash };
    expect(first(otherHead)).toMatch(/^check 2:/);
    const badNode = clone(red);
    badNode.proof!.nodes[0] = 'f'.repeat(64);
    expect(first(badNode)).toMatch(/^check 3: the proof leads to root/);
    const noProof = clone(red);
    delete noProof.proof;
    expect(first(noProof)).toMatch(/^check 3: the proof is not a JSON object/);
    // An item of items.json without any custody row in the proof.
    expect(first(red, [...SET, 'f'.repeat(64)])).toMatch(/^check 5: item f{64} of the set has no item key/);
  });

  it('refuses a proof re-made to hide the last row of an item (its range no longer bounded)', async () => {
    const { db, seal } = await sealed();
    const good = excerpt(db, seal, SET);
    // The forger's proof: every leaf hash is known to the test; one of item 3's leaves (its last) is folded into the nodes.
    const secret = Buffer.from(pseudonymKey(db), 'hex');
    const sorted = listCustodyEvents(db).filter((e) => e.seq <= seal.seq).map((e) => ({ seq: e.seq, hash: e.hash, itemKey: itemKey(secret, e.item) })).sort(compareLeaves);
    const key = itemKey(secret, ITEMS[3]!);
    const hiIndex = sorted.findLastIndex((l) => l.itemKey === key);
    const hidden = sorted[hiIndex]!.seq;
    for (const alsoNeighbour of [false, true]) {
      const drop = new Set(alsoNeighbour ? [hiIndex, hiIndex + 1] : [hiIndex]);
      const leaves = good.proof!.leaves.filter((l) => !drop.has(l.index));
      const forged = clone(good);
      forged.events = forged.events.filter((e) => e.seq !== hidden);
      forged.proof = { ...forged.proof!, leaves, nodes: buildProof(sorted.map(leafHash), leaves.map((l) => l.index)).nodes };
      const problems = verifyExcerptProof(forged, SET).problems;
      // The archive's secret is random, so the dropped neighbour may be another item of the set,
      // whose own complaint can come first: what matters is that item d's range is refused.
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^check 5: item d{64}'s rows are not bounded above/)]));
    }
  });

  it('says "not sealed" for an unsigned seal, and checks the proof all the same', async () => {
    const { db, dir } = fresh();
    fill(db);
    const seal = await sealChain(db, dir, null, 'op');
    const x = excerpt(db, seal, SET);
    expect(verifyExcerptProof(x, SET)).toEqual({ problems: [], said: [], sealed: false });
    x.events = x.events.slice(1);
    expect(verifyExcerptProof(x, SET).problems[0]).toMatch(/^check 6:/);
  });

  it('refuses to make a proof the catalog no longer matches', async () => {
    const { db, seal } = await sealed();
    const other = { ...seal, merkleRoot: '1'.repeat(64) };
    expect(() => excerptProof(db, other, SET)).toThrow(/no longer matches its seal/);
    expect(() => excerptProof(db, seal, ['9'.repeat(64)])).toThrow(/has no custody row among rows 1\.\./);
  });
});
