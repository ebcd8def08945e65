// The desktop app's half of issue 12 at the IPC boundary: the export request carries who signs
// (a key and its passphrase, or an explicit "unsigned"), the TSAs and the report's language; the
// service unlocks the key in its own thread for that job only, and a wrong passphrase, or no
// choice while a key exists, fails the job before anything is written; results carry the signer,
// the seal, the timestamps, the trust checks and verdict of a received set, and the archive's seals.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixityResultSchema, JobResultSchema, parseInput, SettingsSchema, type JobEvent, type JobInfo } from '../../electron/common/ipc.ts';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { createArchiveService, type ArchiveService } from '../../electron/core/service/service.ts';
import { loadSettings } from '../../electron/core/service/settings.ts';

const FP = 'SHA256:uJq0mQ3RZl3vQm9mV2y1r5pQH2ZcH7cQ2d0W1bYx8kA';

describe('IPC schemas of court-ready sets', () => {
  const base = { kind: 'export', itemIds: [1], outDir: '/tmp/x' } as const;

  it('an export request takes a key and passphrase, or unsigned, and nothing else', () => {
    const signed = parseInput('jobs.start', { ...base, sign: { key: 'batken-group', passphrase: 'тоо-суу 2021' }, tsaUrls: ['https://tsa.example/tsr'], lang: 'ky' });
    expect(signed.ok && signed.value.kind === 'export' && [signed.value.sign, signed.value.tsaUrls, signed.value.lang])
      .toEqual([{ key: 'batken-group', passphrase: 'тоо-суу 2021' }, ['https://tsa.example/tsr'], 'ky']);
    const unsigned = parseInput('jobs.start', { ...base, unsigned: true });
    expect(unsigned.ok && unsigned.value.kind === 'export' && [unsigned.value.sign, unsigned.value.unsigned]).toEqual([undefined, true]);
    // Absent stays absent: the service then decides as the CLI does (unsigned only without any key).
    const absent = parseInput('jobs.start', base);
    expect(absent.ok && absent.value.kind === 'export' && absent.value.sign).toBeUndefined();
    for (const [bad, field] of [
      [{ sign: true }, 'sign'],
      [{ sign: false }, 'sign'],
      [{ sign: { key: 'k', passphrase: 'p' }, unsigned: true }, 'not both'],
      [{ sign: { key: 'a b', passphrase: 'x' } }, 'key'],
      [{ sign: { key: 'k', passphrase: '' } }, 'passphrase'],
      [{ sign: { key: 'k' } }, 'passphrase'],
      [{ sign: { key: 'k', passphrase: 'p', remember: true } }, 'remember'],
      [{ tsaUrls: ['ftp://tsa.example/'] }, 'tsaUrls'],
      [{ tsaUrls: ['file:///etc/passwd'] }, 'tsaUrls'],
      [{ tsaUrls: ['https://'] }, 'tsaUrls'],
      [{ lang: 'de' }, 'lang'],
    ] as const) {
      const r = parseInput('jobs.start', { ...base, ...bad });
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.error.message).toContain(field);
    }
  });

  it('a refused passphrase is never echoed in the error message', () => {
    const secret = 'my secret passphrase '.repeat(60); // over the 1024-character bound
    const r = parseInput('jobs.start', { ...base, sign: { key: 'k', passphrase: secret } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).not.toContain('my secret');
  });

  it('a bag check takes an expected fingerprint in the forms a sender reads out, and a TSA CA file', () => {
    for (const expectKey of [FP, FP.slice(7), `${FP}=`, ' 7A3F 9C2B 11D0 4E5F 6A7B  8C9D 0E1F 2A3B 4C5D 6E7F ']) {
      const r = parseInput('jobs.start', { kind: 'verifyBag', dir: '/tmp/bag', expectKey, tsaCaFile: '/tmp/ca.pem' });
      expect(r.ok, expectKey).toBe(true);
    }
    for (const expectKey of ['SHA256:short', 'MD5:aa:bb', '7A3F 9C2B']) {
      const r = parseInput('jobs.start', { kind: 'verifyBag', dir: '/tmp/bag', expectKey });
      expect(r.ok, expectKey).toBe(false);
      if (!r.ok) expect(r.error.message).toContain('expectKey');
    }
    expect(parseInput('jobs.start', { kind: 'verifyBag', dir: '/tmp/bag', tsaCaFile: '' }).ok).toBe(false);
  });

  it('settings keep the TSAs and the chosen key, and settings written before them still load', () => {
    expect(SettingsSchema.parse({ operator: '', language: null, recent: [] })).toEqual({ operator: '', language: null, recent: [], tsaUrls: [], signingKey: null, gpsMismatchKm: 25 });
    const r = parseInput('settings.set', { tsaUrls: ['http://127.0.0.1:3180/tsr'], signingKey: 'batken-group' });
    expect(r.ok).toBe(true);
    expect(parseInput('settings.set', { tsaUrls: ['not a url'] }).ok).toBe(false);
  });

  it('the fixity result keeps the seals summary and the seq of each problem (zod strips unknown keys)', () => {
    const seals = { count: 3, signed: 3, signers: [FP], latest: { seq: 40, signer: FP, sealedAt: '2025-01-01T00:00:00Z', holds: false }, rootChecked: null, firstBroken: 12 };
    const parsed = FixityResultSchema.parse({
      ok: false, interrupted: false, itemsChecked: 1, itemsTotal: 1, bytesChecked: 1, custodyRowsChecked: 40, chainHeadBefore: null, custodyEventsAdded: 0,
      chainHead: null, problems: [{ kind: 'seal', seq: 12, reason: 'seal of row 12: the chain was rewritten' }], startedAt: 'a', finishedAt: 'b', unrecordedCopies: [], seals,
    });
    expect(parsed.seals).toEqual(seals);
    expect(parsed.problems[0]!.seq).toBe(12);
  });
});

describe('export and bag-check jobs through the service', () => {
  let dir: string;
  let svc: ArchiveService;
  const events: JobEvent[] = [];
  const PASS = 'Batken тоо 2021';
  const call = async (c: string, input: unknown) => {
    const r = await dispatch(svc.handlers, c, input, { checkOutput: true });
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
    return r.value as never;
  };
  const finished = async (input: unknown): Promise<JobInfo> => {
    const { jobId } = await call('jobs.start', input) as { jobId: string };
    const end = (): JobInfo | undefined => events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && ['done', 'failed', 'cancelled'].includes(e.job.state) ? [e.job] : [])).at(-1);
    // A plain wait: this also runs in beforeAll, where expect.poll is not allowed.
    for (const deadline = Date.now() + 60_000; !end() && Date.now() < deadline;) await new Promise((res) => setTimeout(res, 25));
    const job = end()!;
    // What reaches the window keeps to the contract.
    if (job.result) expect(JobResultSchema.safeParse(job.result).success).toBe(true);
    return job;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'evidence-court-ipc-'));
    mkdirSync(join(dir, 'media'));
    writeFileSync(join(dir, 'media', 'statement.txt'), 'Witness statement, Batken, 2021-04-29.\n');
    svc = createArchiveService({
      settingsFile: join(dir, 'settings.json'), appInfo: { version: 't', platform: 'linux', packaged: false }, emit: (e) => events.push(e),
      threads: 1, autoDerivatives: false, keysDir: join(dir, 'keys'),
    });
    await call('archive.open', { dir: join(dir, 'archive'), create: true });
    expect((await finished({ kind: 'ingest', inputs: [join(dir, 'media')] })).state).toBe('done');
  }, 60_000);
  afterAll(async () => {
    await svc.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without any key, a request that says nothing exports unsigned (as the CLI); with a key, it fails asking for a choice', async () => {
    const unsigned = await finished({ kind: 'export', itemIds: [1], outDir: join(dir, 'out-none') });
    expect(unsigned.state).toBe('done');
    const r = unsigned.result?.kind === 'export' ? unsigned.result.report : null;
    expect([r?.signer, r?.seal, r?.timestamps]).toEqual([null, null, []]);

    await call('keys.create', { name: 'batken-group', passphrase: PASS });
    const before = readdirSync(join(dir, 'out-none')).length;
    const noChoice = await finished({ kind: 'export', itemIds: [1], outDir: join(dir, 'out-none') });
    expect(noChoice.state).toBe('failed');
    expect(noChoice.error?.message).toMatch(/choose the signing key for this set, or export it unsigned/u);
    expect(readdirSync(join(dir, 'out-none')).length).toBe(before);
  }, 60_000);

  it('a wrong passphrase fails the job with WRONG_PASSPHRASE before anything is written, and no event carries a passphrase', async () => {
    const wrong = 'not the passphrase at all';
    const job = await finished({ kind: 'export', itemIds: [1], outDir: join(dir, 'out-wrong'), sign: { key: 'batken-group', passphrase: wrong } });
    expect(job.state).toBe('failed');
    expect(job.error?.code).toBe('WRONG_PASSPHRASE');
    expect(() => readdirSync(join(dir, 'out-wrong'))).toThrow(/ENOENT/u);
    expect(JSON.stringify(events)).not.toContain(wrong);
    expect(JSON.stringify(await call('jobs.list', {}))).not.toContain(wrong);
  }, 60_000);

  it('signs, seals and reports in the language asked; the bag check gives every line and the verdict; verify sees the seal', async () => {
    const [key] = (await call('keys.list', {}) as { keys: { fingerprint: string }[] }).keys;
    const job = await finished({ kind: 'export', itemIds: [1], outDir: join(dir, 'out'), sign: { key: 'batken-group', passphrase: PASS }, lang: 'ru' });
    expect(job.state, job.error?.message).toBe('done');
    const r = job.result?.kind === 'export' ? job.result.report : null;
    expect(r?.signer).toEqual({ fingerprint: key!.fingerprint, identity: 'batken-group' });
    expect(r?.seal?.seq).toBeGreaterThan(0);
    expect(r?.timestamps).toEqual([]);
    expect(JSON.stringify(events)).not.toContain(PASS);
    expect(readFileSync(join(r!.bagDir, 'evidence', 'custody-report.html'), 'utf8')).toContain('<html lang="ru">');
    expect(readdirSync(join(r!.bagDir, 'signatures')).sort()).toEqual(['allowed_signers', 'signer.asc', 'tagmanifest-sha256.txt.asc', 'tagmanifest-sha256.txt.sshsig']);

    const check = async (bag: string, extra: Record<string, unknown> = {}) => {
      const j = await finished({ kind: 'verifyBag', dir: bag, ...extra });
      expect(j.state, j.error?.message).toBe('done');
      return j.result?.kind === 'verifyBag' ? j.result.report : null;
    };
    const plain = await check(r!.bagDir);
    expect(plain?.verdict.level).toBe('intact-unproven');
    expect(plain?.signatureStatus).toBe('unpinned');
    expect(plain?.sealed).toBe(true);
    expect(plain?.checks.map((c) => [c.name, c.ok, c.warning ?? false])).toEqual([
      ['files', true, false], ['signature (allowed_signers)', true, false], ['signature (sshsig)', true, false], ['signature (openpgp)', true, false], ['signer', true, true], ['timestamp', true, true], ['custody seal', true, false],
    ]);
    const pinned = await check(r!.bagDir, { expectKey: key!.fingerprint });
    expect(pinned?.signatureStatus).toBe('pinned');
    expect(pinned?.verdict.sentence).toBe('INTACT, NOT FULLY PROVEN: every file is as listed, but no trusted timestamp shows when it existed.');
    const other = await check(r!.bagDir, { expectKey: FP });
    expect(other?.verdict.level).toBe('invalid');
    expect(other?.checks.find((c) => c.name === 'signer')).toMatchObject({ ok: false });

    // One changed byte of the payload: the files line fails and the verdict is invalid.
    const copy = join(dir, 'tampered');
    cpSync(r!.bagDir, copy, { recursive: true });
    writeFileSync(join(copy, 'data', readdirSync(join(copy, 'data'))[0]!), 'Witness statement, Osh, 2021-04-29.\n');
    const tampered = await check(copy);
    expect(tampered?.verdict.level).toBe('invalid');
    expect(tampered?.checks[0]).toMatchObject({ name: 'files', ok: false });

    const missingCa = await finished({ kind: 'verifyBag', dir: r!.bagDir, tsaCaFile: join(dir, 'no-such-ca.pem') });
    expect(missingCa.state).toBe('failed');
    expect(missingCa.error?.message).toBe(`${join(dir, 'no-such-ca.pem')}: the time-stamping authorities' certificate file cannot be read (ENOENT)`);

    const fixity = await finished({ kind: 'verifyArchive' });
    const fr = fixity.result?.kind === 'verifyArchive' ? fixity.result.report : null;
    expect(fr?.ok).toBe(true);
    expect(fr?.seals).toMatchObject({ count: 1, signed: 1, signers: [key!.fingerprint], firstBroken: null, latest: { seq: r!.seal!.seq, holds: true } });
  }, 120_000);

  it('settings.set keeps the TSAs, without repeats, and the key', async () => {
    await call('settings.set', { tsaUrls: ['http://127.0.0.1:1/tsr', 'http://127.0.0.1:1/tsr', 'https://tsa.example/'], signingKey: 'batken-group' });
    expect(loadSettings(join(dir, 'settings.json'))).toMatchObject({ tsaUrls: ['http://127.0.0.1:1/tsr', 'https://tsa.example/'], signingKey: 'batken-group' });
  });
});
