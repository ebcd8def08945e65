// Issue #12 §3: someone with write access to the archive folder but without the sealing key
// rewrites or cuts the custody chain (better-sqlite3, as a forger would); `evidence verify` must
// fail and name the first seal the change breaks.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, custodyRowHash } from '../../electron/core/custody/hash.ts';
import { sealChain } from '../../electron/core/custody/seal.ts';
import { openDb, loadMigrationSteps } from '../../electron/core/db/open.ts';
import { pemFileSigner } from '../../electron/core/signing/pem-signer.ts';
import type { CustodyEvent } from '../../electron/common/types.ts';
import type { FixityReport } from '../../electron/core/verify/fixity.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

await loadMigrationSteps();

const work = mkdtempSync(join(tmpdir(), 'ea-seal-attack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const pristine = join(work, 'pristine');
const key1 = join(work, 'key1.pem');
const key2 = join(work, 'key2.pem');
let n1 = 0; // the rows the first seal seals
let n2 = 0; // the rows the second seal seals
let fp1 = '';
let fp2 = '';

function writeKey(file: string, passphrase?: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8', ...(passphrase ? { cipher: 'aes-256-cbc', passphrase } : {}) }));
}

async function seal(archive: string, ...more: string[]): Promise<{ code: number; json: { seal: { seq: number }; new: boolean } | null; err: string }> {
  const r = await runCli('seal', '--archive', archive, '--json', ...more);
  return { code: r.code, json: r.code === 0 ? JSON.parse(r.out) : null, err: r.err };
}

beforeAll(async () => {
  writeKey(key1, 'correct horse');
  writeKey(key2);
  fp1 = pemFileSigner(key1, 'correct horse').fingerprint;
  fp2 = pemFileSigner(key2).fingerprint;
  const cards = [join(work, 'card1'), join(work, 'card2')];
  for (const [i, c] of cards.entries()) {
    mkdirSync(c);
    for (let f = 0; f < 3 - i; f++) writeFileSync(join(c, `IMG_${i}${f}.JPG`), randomBytes(2000 + f));
  }
  expect((await runCli('ingest', cards[0]!, '--archive', pristine)).code).toBe(0);
  process.env.EVIDENCE_KEY_PASSPHRASE = 'correct horse';
  try {
    const s1 = await seal(pristine, '--key-file', key1);
    expect(s1.code, s1.err).toBe(0);
    n1 = s1.json!.seal.seq;
    expect((await runCli('ingest', cards[1]!, '--archive', pristine)).code).toBe(0);
    const s2 = await seal(pristine, '--key-file', key1);
    expect(s2.json!.new).toBe(true);
    n2 = s2.json!.seal.seq;
  } finally {
    delete process.env.EVIDENCE_KEY_PASSPHRASE;
  }
  expect(n2).toBeGreaterThan(n1 + 1);
});

let copies = 0;
function copy(): string {
  const d = join(work, `case-${++copies}`);
  cpSync(pristine, d, { recursive: true });
  return d;
}

type Row = CustodyEvent;

/**
 * The forger's rewrite: the catalog's custody rows, changed by `edit` (which may drop rows), then
 * renumbered from 1 and re-chained with every hash recomputed, written back past the append-only
 * triggers (dropped and made again).
 */
function rewrite(archive: string, edit: (rows: Row[]) => Row[]): void {
  const db = new Database(join(archive, 'archive.sqlite'));
  const triggers = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'custody_no_%'").all() as { sql: string }[];
  db.exec('DROP TRIGGER custody_no_update; DROP TRIGGER custody_no_delete');
  const rows = (db.prepare('SELECT * FROM custody_events ORDER BY seq').all() as Record<string, unknown>[]).map((r) => ({
    seq: r.seq, at: r.at, actor: r.actor, type: r.type, item: r.item, detail: JSON.parse(r.detail as string), prevHash: r.prev_hash, hash: r.hash,
  }) as Row);
  let prev = GENESIS_HASH;
  const out = edit(rows).map((r, i) => {
    const row = { ...r, seq: i + 1, prevHash: prev };
    row.hash = custodyRowHash(row);
    prev = row.hash;
    return row;
  });
  db.transaction(() => {
    db.exec('DELETE FROM custody_events');
    const ins = db.prepare('INSERT INTO custody_events (seq, at, actor, type, item, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of out) ins.run(r.seq, r.at, r.actor, r.type, r.item, JSON.stringify(r.detail), r.prevHash, r.hash);
  })();
  for (const t of triggers) db.exec(t.sql);
  db.close();
}

/** A change the catalog cross-check does not look at, so only the seals can tell. */
const forge = (r: Row): Row => ({ ...r, detail: { ...r.detail, note: 'rewritten' } });

/** `evidence verify --json`, and with `human` the same check's human output too (a second run: each re-hashes every item). */
async function verify(archive: string, more: string[] = [], human = false): Promise<{ code: number; report: FixityReport; human: string }> {
  const j = await runCli('verify', '--archive', archive, '--json', ...more);
  const h = human ? (await runCli('verify', '--archive', archive, ...more)).out : '';
  return { code: j.code, report: JSON.parse(j.out) as FixityReport, human: h };
}

const kinds = (r: FixityReport) => [...new Set(r.problems.map((p) => p.kind))];

describe('a sealed archive', () => {
  it('verifies, with no catalog problem for the seal events', async () => {
    const v = await verify(copy(), [], true);
    expect(v.report.problems).toEqual([]);
    expect(v.code).toBe(0);
    expect(v.report.seals).toEqual({ count: 2, signed: 2, signers: [fp1], latest: expect.objectContaining({ seq: n2, signer: fp1, holds: true }), rootChecked: n2, firstBroken: null });
    expect(v.human).toContain(`seals: 2 seals (signed by ${fp1}), latest of row ${n2}`);
    expect(v.human).toContain(`all hold, Merkle root of row ${n2} recomputed`);
  });

  it('is not sealed twice, and not without a key unless asked', async () => {
    const a = copy();
    process.env.EVIDENCE_KEY_PASSPHRASE = 'correct horse';
    try {
      const again = await runCli('seal', '--archive', a, '--key-file', key1);
      expect(again.code, again.err).toBe(0);
      expect(again.out.split('\n')[0]).toMatch(new RegExp(`^ALREADY SEALED: custody rows 1\\.\\.${n2}, head [0-9a-f]{64}$`));
      expect(again.out).toContain(`signed by ${fp1}`);
    } finally {
      delete process.env.EVIDENCE_KEY_PASSPHRASE;
    }
    const none = await runCli('seal', '--archive', a);
    expect(none.code).toBe(2);
    expect(none.err).toContain('no signing key: make one with `evidence key create`');
  });

  it('refuses a key whose passphrase is wrong or missing, by name', async () => {
    const a = copy();
    const missing = await seal(a, '--key-file', key1);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain(`${key1}: the key is encrypted: give its passphrase in EVIDENCE_KEY_PASSPHRASE`);
    process.env.EVIDENCE_KEY_PASSPHRASE = 'wrong';
    try {
      const wrong = await seal(a, '--key-file', key1);
      expect(wrong.code).toBe(2);
      expect(wrong.err).toContain('the passphrase does not open this key');
    } finally {
      delete process.env.EVIDENCE_KEY_PASSPHRASE;
    }
  });
});

describe('attacks by someone without the key', () => {
  it('every row rewritten from row 1, hashes recomputed: the chain holds, the first seal breaks', async () => {
    const a = copy();
    rewrite(a, (rows) => rows.map(forge));
    const v = await verify(a, [], true);
    expect(v.code).toBe(1);
    expect(kinds(v.report)).toEqual(['seal']); // the chain itself recomputes: only the seals tell
    expect(v.report.seals.firstBroken).toBe(n1);
    expect(v.report.problems[0]!.reason).toMatch(new RegExp(`^seal of row ${n1}: the seal in custody row ${n1 + 1} signed row ${n1}'s hash as [0-9a-f]{64}, the log now holds [0-9a-f]{64}: the chain was rewritten at or before row ${n1}$`));
    expect(v.human).toContain(`BROKEN from the seal of row ${n1}`);
    // Nor can the forger seal it now: the old seals no longer match.
    const s = await runCli('seal', '--archive', a, '--key-file', key2);
    expect(s.code).toBe(1);
    expect(s.err).toContain('NOT SEALED');
  });

  it('rows rewritten after the first seal: the first seal holds, the second is named', async () => {
    const a = copy();
    rewrite(a, (rows) => rows.map((r) => (r.seq > n1 + 1 ? forge(r) : r)));
    const v = await verify(a);
    expect(kinds(v.report)).toEqual(['seal']);
    expect(v.report.seals.firstBroken).toBe(n2);
    expect(v.report.problems.every((p) => p.seq === n2)).toBe(true);
  });

  it('the end of the chain cut off (the last seal event and what followed)', async () => {
    const a = copy();
    rewrite(a, (rows) => rows.filter((r) => r.seq <= n2));
    const v = await verify(a);
    expect(v.code).toBe(1);
    expect(v.report.seals.firstBroken).toBe(n2);
    expect(v.report.problems.map((p) => p.reason)).toContain(
      `seal of row ${n2}: the chain was cut at its end: the log ends at row ${n2}, but seals/${String(n2).padStart(10, '0')}.json shows it reached at least row ${n2 + 1} (this seal's event)`);
  });

  it('a seal event removed (its file kept), later rows renumbered and re-chained', async () => {
    const a = copy();
    rewrite(a, (rows) => rows.filter((r) => r.seq !== n1 + 1));
    const v = await verify(a);
    expect(v.code).toBe(1);
    expect(v.report.seals.firstBroken).toBe(n1);
    expect(v.report.problems[0]!.reason).toMatch(new RegExp(`^seal of row ${n1}: seals/${String(n1).padStart(10, '0')}\\.json has no seal event in the custody log \\(row ${n1 + 1} is a "\\w[\\w ]+" event\\): the seal event was removed`));
  });

  it('a seal forged with another key: caught by the seals/ copies, or by the expected key when those are replaced too', async () => {
    // The forger rewrites the chain, drops the real seal events and seals the result with their own key.
    const a = copy();
    rewrite(a, (rows) => rows.filter((r) => r.type !== 'digital signature generation').map(forge));
    const elsewhere = join(work, `forger-${copies}`);
    mkdirSync(elsewhere);
    const db = openDb(join(a, 'archive.sqlite'));
    const forged = await sealChain(db, elsewhere, pemFileSigner(key2), 'forger');
    db.close();
    // (a) The genuine copies under seals/ are still there.
    const kept = await verify(a);
    expect(kept.code).toBe(1);
    expect(kept.report.seals.firstBroken).toBe(n1);
    expect(kept.report.seals.signers).toEqual([fp1, fp2]);

    // (b) seals/ replaced by the forger's: everything agrees with itself, so only a key the verifier
    // holds from elsewhere can tell; the report names the signer for the user to compare.
    rmSync(join(a, 'seals'), { recursive: true });
    cpSync(join(elsewhere, 'seals'), join(a, 'seals'), { recursive: true });
    const replaced = await verify(a, [], true);
    // Without a pinned key this verifies (the limit of any signature): the report names the key to compare.
    expect(replaced.code).toBe(0);
    expect(replaced.report.seals.signers).toEqual([fp2]);
    expect(replaced.human).toContain(`signed by ${fp2}`);
    const pinned = await verify(a, ['--expect-key', fp1]);
    expect(pinned.code).toBe(1);
    expect(pinned.report.problems.map((p) => p.reason)).toEqual(expect.arrayContaining([
      `seal of row ${forged.seq}: the seal in custody row ${forged.seq + 1} is signed by ${fp2}, which is not one of the expected keys (${fp1})`,
    ]));
    // The genuine archive passes the same pin.
    expect((await verify(copy(), ['--expect-key', fp1])).code).toBe(0);
  });

  it('the catalog replaced by another one, the seals/ folder kept', async () => {
    const a = copy();
    const other = join(work, 'other');
    expect((await runCli('ingest', join(work, 'card1'), '--archive', other)).code).toBe(0);
    for (const f of readdirSync(a).filter((n) => n.startsWith('archive.sqlite'))) rmSync(join(a, f));
    for (const f of readdirSync(other).filter((n) => n.startsWith('archive.sqlite'))) cpSync(join(other, f), join(a, f));
    const v = await verify(a);
    expect(v.code).toBe(1);
    expect(v.report.seals.firstBroken).toBe(n1);
    const reasons = v.report.problems.filter((p) => p.seq === n1).map((p) => p.reason);
    expect(reasons).toEqual(expect.arrayContaining([expect.stringMatching(/this catalog has no archive id: it was never sealed \(replaced\?\)$/)]));
  });
});
