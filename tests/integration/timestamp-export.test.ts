// Time-stamp tokens on bags and exports: timestampBag / verifyBagTimestamps on a real bag, checked
// with `openssl ts -verify` as the issue's recipient runs it, and `evidence timestamp --export ID`
// through the real CLI (in-process, so that the loopback test TSA can answer it).
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampBag, verifyBagTimestamps } from '../../electron/core/timestamp/index.ts';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { EVIDENCE_BIN } from '../helpers/cli.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { startTestTsa, type TestTsa } from '../helpers/tsa.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-tsa-export-'));
const archive = join(work, 'archive');
const A = ['--archive', archive];
let tsa: TestTsa;
let bad: TestTsa;
let itemIds: number[];

interface Custody { seq: number; type: string; actor: string; item: string | null; detail: Record<string, unknown> }
const custodyEvents = async () => (await cliJson<{ events: Custody[] }>('log', ...A, '--json')).events;

async function exportBag(name: string): Promise<{ exportId: string; bagDir: string; tagManifestSha256: string }> {
  const out = join(work, name);
  return cliJson('export', '--item', ...itemIds.map(String), '--out', out, ...A, '--json');
}

/** `openssl ts -verify -data tagmanifest-sha256.txt -in X.tsr -CAfile X.tsr.crt`, run in the bag. */
function opensslVerify(bagDir: string, token: string, caFile = `${token}.crt`) {
  const p = spawnSync('openssl', ['ts', '-verify', '-data', 'tagmanifest-sha256.txt', '-in', token, '-CAfile', caFile], { cwd: bagDir, encoding: 'utf8' });
  return { status: p.status, out: `${p.stdout}${p.stderr}` };
}

beforeAll(async () => {
  [tsa, bad] = await Promise.all([startTestTsa(), startTestTsa({ mode: 'garbage' })]);
  const input = join(work, 'card');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'a.txt'), 'first statement\n');
  writeFileSync(join(input, 'b.txt'), 'second statement\n');
  const r = await runCli('ingest', input, ...A, '--operator', 'Aigerim', '--json');
  expect(r.code, r.err).toBe(0);
  itemIds = (await cliJson<{ id: number }[]>('list', ...A, '--json')).map((i) => i.id);
  expect(itemIds).toHaveLength(2);
}, 60_000);
afterAll(async () => {
  await Promise.all([tsa?.close(), bad?.close()]);
  rmSync(work, { recursive: true, force: true });
});

describe('timestampBag and verifyBagTimestamps', () => {
  it('write tokens that ours and openssl verify, numbered 1, 2, …; a failing TSA is reported, not thrown', async () => {
    const { bagDir } = await exportBag('bag-direct');
    expect(await verifyBagTimestamps(bagDir)).toEqual([{ name: 'timestamp', ok: false, absent: true, said: [{ code: 'timestamp.none', params: {} }],
      detail: 'no timestamp: the bag carries no RFC 3161 token, so nothing independent shows when this set existed' }]);

    const out = await timestampBag(bagDir, [tsa.url, bad.url, tsa.url]);
    expect(out.map((o) => [o.url, o.ok, o.file ?? null])).toEqual([
      [tsa.url, true, 'signatures/tagmanifest-sha256.txt.1.tsr'],
      [bad.url, false, null],
      [tsa.url, true, 'signatures/tagmanifest-sha256.txt.2.tsr'],
    ]);
    expect(out[1]!.error).toMatch(new RegExp(`^${bad.url}: the reply is not a TimeStampResp`));
    expect(readdirSync(join(bagDir, 'signatures')).sort()).toEqual([
      'tagmanifest-sha256.txt.1.tsr', 'tagmanifest-sha256.txt.1.tsr.crt', 'tagmanifest-sha256.txt.2.tsr', 'tagmanifest-sha256.txt.2.tsr.crt',
    ]);
    expect(readFileSync(join(bagDir, out[0]!.file!))).toEqual(out[0]!.result!.tsr);
    // The next call takes the next free number.
    expect((await timestampBag(bagDir, [tsa.url]))[0]!.file).toBe('signatures/tagmanifest-sha256.txt.3.tsr');

    for (const n of [1, 2, 3]) {
      const o = opensslVerify(bagDir, `signatures/tagmanifest-sha256.txt.${n}.tsr`);
      expect(o.out).toContain('Verification: OK');
      expect(o.status).toBe(0);
    }
    const checks = await verifyBagTimestamps(bagDir);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([['timestamp 1', true], ['timestamp 2', true], ['timestamp 3', true]]);
    expect(checks[0]!.detail).toMatch(/^signatures\/tagmanifest-sha256\.txt\.1\.tsr: tagmanifest-sha256\.txt existed at \S+Z, time-stamped by CN=Evidence Test TSA, O=Evidence Archive tests \(serial [0-9a-f]+\); trusted only by the chain the bag carries \(root CN=Evidence Test Root CA, O=Evidence Archive tests, SHA-256 [0-9A-F:]{95}\): compare that fingerprint with the TSA's published one, or give --tsa-ca FILE$/);
    const withCa = await verifyBagTimestamps(bagDir, { caPem: tsa.caPem });
    expect(withCa.every((c) => c.ok && c.detail.endsWith('the TSA certificate chains to the CA given (CN=Evidence Test Root CA, O=Evidence Archive tests)'))).toBe(true);
    // The bag itself still verifies: signatures/ lies outside what the manifests must list.
    expect((await verifyBag(bagDir)).problems).toEqual([]);
  });

  it('are refused by ours and by openssl after one byte of the tag manifest changes; a chain without its token is named', async () => {
    const { bagDir: orig } = await exportBag('bag-tamper');
    await timestampBag(orig, [tsa.url]);
    const bagDir = join(work, 'bag-tamper-copy');
    cpSync(orig, bagDir, { recursive: true });
    const tm = join(bagDir, 'tagmanifest-sha256.txt');
    const bytes = readFileSync(tm);
    bytes[0] = bytes[0] === 0x61 ? 0x62 : 0x61;
    writeFileSync(tm, bytes);
    const checks = await verifyBagTimestamps(bagDir);
    expect(checks).toHaveLength(1);
    expect(checks[0]!.ok).toBe(false);
    expect(checks[0]!.detail).toMatch(/^signatures\/tagmanifest-sha256\.txt\.1\.tsr \(\S+Z by CN=Evidence Test TSA, O=Evidence Archive tests\): the token is for other data/);
    const o = opensslVerify(bagDir, 'signatures/tagmanifest-sha256.txt.1.tsr');
    expect(o.status).not.toBe(0);
    expect(o.out).toContain('message imprint mismatch');

    rmSync(join(orig, 'signatures', 'tagmanifest-sha256.txt.1.tsr'));
    expect(await verifyBagTimestamps(orig)).toEqual([
      { name: 'timestamp', ok: false, absent: true, said: [{ code: 'timestamp.none', params: {} }], detail: 'no timestamp: the bag carries no RFC 3161 token, so nothing independent shows when this set existed' },
      { name: 'timestamp 1', ok: false, said: [{ code: 'timestamp.chain-without-token', params: { file: 'signatures/tagmanifest-sha256.txt.1.tsr.crt', token: 'signatures/tagmanifest-sha256.txt.1.tsr' } }], detail: 'signatures/tagmanifest-sha256.txt.1.tsr.crt has no token beside it (signatures/tagmanifest-sha256.txt.1.tsr is missing: removed?)' },
    ]);
  });

  it('throws only for a bag without a tag manifest', async () => {
    await expect(timestampBag(join(work, 'no-such-bag'), [tsa.url])).rejects.toThrow(/tagmanifest-sha256\.txt: cannot be read \(ENOENT\); a bag is time-stamped over its tag manifest/);
  });
});

describe('evidence timestamp --export ID', () => {
  it('records each token as a custody event and in the catalog, writes it into the bag, and verify still holds', async () => {
    const exp = await exportBag('bag-cli');
    const r = await runCli('timestamp', '--export', exp.exportId, '--tsa', tsa.url, '--tsa', bad.url, ...A, '--operator', 'Bakyt');
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^OK   ${tsa.url}: \\S+Z by CN=Evidence Test TSA, O=Evidence Archive tests, serial [0-9a-f]+; custody event #\\d+; written to signatures/tagmanifest-sha256\\.txt\\.1\\.tsr$`));
    expect(lines[1]).toMatch(new RegExp(`^FAIL ${bad.url}: the reply is not a TimeStampResp`));
    expect(lines.at(-1)).toBe(`OK: 1 of 2 time-stamping authorities gave a token over export ${exp.exportId} (tag manifest ${exp.tagManifestSha256})`);

    const events = (await custodyEvents()).filter((e) => e.type === 'digital signature generation');
    expect(events).toHaveLength(1);
    const tsr = readFileSync(join(exp.bagDir, 'signatures', 'tagmanifest-sha256.txt.1.tsr'));
    expect(events[0]).toMatchObject({ actor: 'Bakyt', item: null, detail: {
      action: 'timestamp', exportId: exp.exportId, tsa: tsa.url, tokenSha256: createHash('sha256').update(tsr).digest('hex'),
      tagManifestSha256: exp.tagManifestSha256, bagFile: 'signatures/tagmanifest-sha256.txt.1.tsr', policy: '1.2.3.4.1',
    } });
    expect(events[0]!.detail.genTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(opensslVerify(exp.bagDir, 'signatures/tagmanifest-sha256.txt.1.tsr').status).toBe(0);
    const v = await runCli('verify', ...A);
    expect(v.code, v.out + v.err).toBe(0);

    // The catalog keeps the token itself, so it can be added to a copy of the set later.
    const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
    const row = db.prepare('SELECT export_id, tsa, token, imprint_sha256, bag_file, actor FROM export_timestamps').get() as Record<string, unknown>;
    db.close();
    expect(row).toEqual({ export_id: exp.exportId, tsa: tsa.url, token: tsr, imprint_sha256: exp.tagManifestSha256, bag_file: 'signatures/tagmanifest-sha256.txt.1.tsr', actor: 'Bakyt' });
  });

  it('takes TSAs from EVIDENCE_TSA; with the bag gone or changed it records the token in the archive only; --json', async () => {
    const exp = await exportBag('bag-moved');
    const moved = join(work, 'bag-moved-elsewhere');
    renameSync(exp.bagDir, moved);
    const before = process.env.EVIDENCE_TSA;
    process.env.EVIDENCE_TSA = ` ${tsa.url} `;
    let r;
    try {
      r = await runCli('timestamp', '--export', exp.exportId, ...A, '--json');
    } finally {
      if (before === undefined) delete process.env.EVIDENCE_TSA;
      else process.env.EVIDENCE_TSA = before;
    }
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { bagWritten: boolean; bagReason: string; timestamps: { tsa: string; ok: boolean; file?: string; event: number; rootIncluded: boolean }[] };
    expect(j.bagWritten).toBe(false);
    expect(j.bagReason).toBe(`the bag folder ${exp.bagDir} is no longer on disk; the tokens are recorded in the archive only`);
    expect(j.timestamps).toHaveLength(1);
    expect(j.timestamps[0]).toMatchObject({ tsa: tsa.url, ok: true, rootIncluded: true });
    expect(j.timestamps[0]!.file).toBeUndefined();
    expect(existsSync(join(moved, 'signatures'))).toBe(false);

    // A bag whose tag manifest changed since export is not written to.
    renameSync(moved, exp.bagDir);
    writeFileSync(join(exp.bagDir, 'tagmanifest-sha256.txt'), readFileSync(join(exp.bagDir, 'tagmanifest-sha256.txt'), 'utf8') + '\n');
    const r2 = await runCli('timestamp', '--export', exp.exportId, '--tsa', tsa.url, ...A);
    expect(r2.code, r2.err).toBe(0);
    expect(r2.out).toMatch(/note: the bag at .* changed since export \(its tag manifest hashes to [0-9a-f]{64}, [0-9a-f]{64} was recorded\); the tokens are recorded in the archive only/);
    expect(existsSync(join(exp.bagDir, 'signatures'))).toBe(false);
    expect((await runCli('verify', ...A)).code).toBe(0);
  });

  it('exits 1 when no TSA gave a token (nothing recorded), 2 for an unknown export or no TSA at all', async () => {
    const exp = await exportBag('bag-fail');
    const n = (await custodyEvents()).length;
    const r = await runCli('timestamp', '--export', exp.exportId, '--tsa', bad.url, '--tsa', 'ftp://tsa.example/', ...A);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`FAIL ${bad.url}: the reply is not a TimeStampResp`);
    expect(r.out).toContain('FAIL ftp://tsa.example/: ftp: is not supported; give the TSA as http://… or https://…');
    expect(r.out).toContain('FAILED: 0 of 2 time-stamping authorities gave a token');
    expect(r.err).toContain('no time-stamp token was obtained; nothing was recorded');
    expect((await custodyEvents()).length).toBe(n);
    expect(existsSync(join(exp.bagDir, 'signatures'))).toBe(false);

    const u = await runCli('timestamp', '--export', 'export-nope', '--tsa', tsa.url, ...A);
    expect([u.code, u.err]).toEqual([2, 'evidence: export export-nope: no such export (see `evidence log --json` for dissemination events)\n']);
    const before = process.env.EVIDENCE_TSA;
    delete process.env.EVIDENCE_TSA;
    try {
      const none = await runCli('timestamp', '--export', exp.exportId, ...A);
      expect([none.code, none.err]).toEqual([2, 'evidence: no time-stamping authority: give --tsa URL (repeatable) or set EVIDENCE_TSA (comma-separated URLs)\n']);
    } finally {
      if (before !== undefined) process.env.EVIDENCE_TSA = before;
    }
  });

  it('runs as the real `evidence` command and exits as soon as it is done', async () => {
    const exp = await exportBag('bag-bin');
    const t0 = Date.now();
    const r = await new Promise<{ code: number | null; out: string; err: string }>((res) => {
      execFile(process.execPath, [EVIDENCE_BIN, 'timestamp', '--export', exp.exportId, '--tsa', tsa.url, ...A], { timeout: 60_000, env: { ...process.env, EVIDENCE_OPERATOR: 'Cholpon' } },
        (e, out, err) => res({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, out, err }));
    });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^OK   http:\/\/127\.0\.0\.1:\d+\/tsr: .*written to signatures\/tagmanifest-sha256\.txt\.1\.tsr\n/);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(opensslVerify(exp.bagDir, 'signatures/tagmanifest-sha256.txt.1.tsr').status).toBe(0);
  }, 60_000);

  it('verify names a token row changed or removed in SQLite', async () => {
    const copy = join(work, 'archive-copy');
    cpSync(archive, copy, { recursive: true });
    const db = new Database(join(copy, 'archive.sqlite'));
    db.prepare("UPDATE export_timestamps SET gen_time = '2020-01-01T00:00:00.000Z' WHERE id = 1").run();
    db.prepare('DELETE FROM export_timestamps WHERE id = 2').run();
    db.close();
    const v = await runCli('verify', '--archive', copy);
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/FAIL catalog: time-stamp token 1 of export \S+: differs from custody row \d+: gen_time "2020-01-01T00:00:00\.000Z" in the catalog, "\S+" in the log/);
    expect(v.out).toMatch(/FAIL catalog: time-stamp token [0-9a-f]{64} of export \S+: recorded by custody row \d+, but missing from the catalog \(deleted\?\)/);
  });
});
