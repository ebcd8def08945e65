// `evidence log` (issue 15 §4): one readable line per event — when, who, what, on which file by its
// original name, the outcome — with a failed fixity check unmistakably FAILED and what was found;
// filters --item, --type, --actor, --from/--to and --failed, for the human lines and --json alike;
// --json keeps its shape ({chainHead, events} with every row verbatim). Self-made files, so it
// never skips.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CustodyEvent } from '../../electron/common/types.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

interface LogJson { chainHead: { seq: number; hash: string }; events: CustodyEvent[] }

describe('evidence log', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-log-'));
  const archive = join(work, 'archive');
  const A = ['--archive', archive];
  const sha: Record<string, string> = {};
  const id: Record<string, string> = {};

  beforeAll(async () => {
    const input = join(work, 'card');
    mkdirSync(input);
    writeFileSync(join(input, 'Показания Айгүл.txt'), 'statement of 29 April 2021\n');
    writeFileSync(join(input, 'IMG_0001.JPG'), Buffer.from('not really a jpeg, but bytes all the same'));
    expect((await runCli('init', archive)).code).toBe(0);
    expect((await runCli('ingest', input, '--threads', '1', '--operator', 'Айжан', ...A)).code).toBe(0);
    for (const it of await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A)) {
      sha[it.sources[0]!.name] = it.sha256;
      id[it.sources[0]!.name] = String(it.id);
    }
    expect((await runCli('verify', '--operator', 'Bakyt', ...A)).code).toBe(0);
    // One flipped byte in the stored copy of the photo: the next check fails for it alone.
    const s = sha['IMG_0001.JPG']!;
    const obj = join(archive, 'objects', 'sha256', s.slice(0, 2), s.slice(2, 4), s);
    chmodSync(obj, 0o644);
    const bytes = readFileSync(obj);
    bytes[0] = bytes[0]! ^ 0x01;
    writeFileSync(obj, bytes);
    expect((await runCli('verify', '--operator', 'Bakyt', ...A)).code).not.toBe(0);
  });

  it('prints one readable line per event: when, who, what, the file by its original name, the outcome', async () => {
    const r = await runCli('log', ...A);
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const all = await cliJson<LogJson>('log', '--json', ...A);
    expect(lines).toHaveLength(all.events.length);
    const ingest = all.events.find((e) => e.type === 'ingestion' && e.item === sha['Показания Айгүл.txt'])!;
    const when = `${ingest.at.slice(0, 10)} ${ingest.at.slice(11, 19)} UTC`;
    const line = lines.find((l) => l.startsWith(`#${ingest.seq} `))!;
    expect(line).toMatch(new RegExp(`^#${ingest.seq}  ${when}  Айжан  ingestion  Показания Айгүл\\.txt  done — Received into the archive from .*Показания Айгүл\\.txt \\(file Показания Айгүл\\.txt, 27\u00a0bytes\\)`, 'u'));
    // No raw JSON any more, no hashes: those are in --json.
    expect(r.out).not.toContain('{"');
    expect(r.out).not.toContain(ingest.hash);
  });

  it('says FAILED with what was found for a failed fixity check, and passed for a passing one', async () => {
    const lines = (await runCli('log', '--item', id['IMG_0001.JPG']!, '--type', 'fixity check', ...A)).out.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    // The first check passed inside run 1: its run event, read as this item's pass.
    expect(lines[0]).toMatch(/^#\d+  \S+ \S+ UTC  Bakyt  fixity check  IMG_0001\.JPG  passed — Integrity check: PASSED in fixity check run 1 \(the whole archive, 2 items checked\); this item's outcome is a leaf of the run's Merkle root\.$/u);
    const s = sha['IMG_0001.JPG']!;
    expect(lines[1]).toMatch(new RegExp(`^#\\d+  \\S+ \\S+ UTC  Bakyt  fixity check  IMG_0001\\.JPG  FAILED — content altered: SHA-256 expected ${s}, found [0-9a-f]{64}$`, 'u'));
    expect(lines[1]).not.toContain('passed');
  });

  it('filters by item, type (or a start of it), actor, time and failure, in the lines and in --json', async () => {
    const all = (await cliJson<LogJson>('log', '--json', ...A)).events;
    const json = async (...f: string[]) => (await cliJson<LogJson>('log', '--json', ...f, ...A)).events.map((e) => e.seq);
    const lines = async (...f: string[]) => (await runCli('log', ...f, ...A)).out.trimEnd().split('\n').filter(Boolean).map((l) => Number(/^#(\d+) /u.exec(l)![1]));
    const expectBoth = async (f: string[], want: (e: CustodyEvent) => boolean) => {
      const seqs = all.filter(want).map((e) => e.seq);
      expect(seqs.length, `no event for ${f.join(' ')}`).toBeGreaterThan(0);
      expect(seqs.length, `every event for ${f.join(' ')}`).toBeLessThan(all.length);
      expect(await json(...f)).toEqual(seqs);
      expect(await lines(...f)).toEqual(seqs);
    };
    // An item's events, and the run events of the runs it passed in: for the statement, both runs.
    const runs = all.filter((e) => e.type === 'fixity check' && e.item === null);
    expect(runs.map((e) => e.detail.outcome)).toEqual(['pass', 'fail']);
    await expectBoth(['--item', sha['Показания Айгүл.txt']!.slice(0, 10)], (e) => e.item === sha['Показания Айгүл.txt'] || runs.includes(e));
    // For the photo, only run 1: it failed in run 2, which its own failure event stands for.
    await expectBoth(['--item', id['IMG_0001.JPG']!], (e) => e.item === sha['IMG_0001.JPG'] || e === runs[0]);
    const statement = (await runCli('log', '--item', id['Показания Айгүл.txt']!, '--type', 'fixity', ...A)).out.trimEnd().split('\n');
    expect(statement).toHaveLength(2);
    // Run 2 failed (for the photo), but the statement passed in it: its line says passed.
    expect(statement[1]).toMatch(/^#\d+  .*  Bakyt  fixity check  Показания Айгүл\.txt  passed — Integrity check: PASSED in fixity check run 2 \(the whole archive, 2 items checked, 1 problem found in other items or the log\); /u);
    await expectBoth(['--type', 'fixity'], (e) => e.type === 'fixity check');
    await expectBoth(['--type', 'ingestion,replication'], (e) => e.type === 'ingestion' || e.type === 'replication');
    await expectBoth(['--type', 'ingestion', '--type', 'replication'], (e) => e.type === 'ingestion' || e.type === 'replication');
    await expectBoth(['--type', 'METADATA'], (e) => e.type === 'metadata extraction' || e.type === 'metadata modification');
    await expectBoth(['--actor', 'bakyt'], (e) => e.actor === 'Bakyt');
    await expectBoth(['--failed'], (e) => typeof e.detail.outcome === 'string' && e.detail.outcome.startsWith('fail'));
    await expectBoth(['--failed', '--item', id['IMG_0001.JPG']!], (e) => e.item === sha['IMG_0001.JPG'] && e.detail.outcome === 'fail');
    // The failed events are the photo's check and the run that found it, both by Bakyt.
    expect((await json('--failed')).length).toBe(2);
    expect(await json('--failed', '--actor', 'Айжан')).toEqual([]);

    // Time: events of the second verify start after the first's archive-wide event.
    const firstRun = all.find((e) => e.type === 'fixity check' && e.item === null)!;
    const later = all.filter((e) => e.at > firstRun.at);
    expect(later.length).toBeGreaterThan(0);
    const cut = new Date(Date.parse(firstRun.at) + 1).toISOString();
    await expectBoth(['--from', cut], (e) => e.at >= cut);
    await expectBoth(['--to', cut], (e) => e.at < cut);
    // A UTC day: --from that day and --to that day give all of today's events; the day before gives none.
    const day = all[0]!.at.slice(0, 10);
    expect(await json('--from', day, '--to', all.at(-1)!.at.slice(0, 10))).toEqual(all.map((e) => e.seq));
    const before = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(await json('--to', before)).toEqual([]);
    // An offset is honoured: the same instant written at UTC+06:00.
    const plus6 = new Date(Date.parse(cut) + 6 * 3600_000).toISOString().replace('Z', '+06:00');
    expect(await json('--from', plus6)).toEqual(await json('--from', cut));
  });

  it('keeps --json as it was: {chainHead, events}, rows verbatim with their hashes, chainHead of the whole log', async () => {
    const whole = await cliJson<LogJson>('log', '--json', ...A);
    expect(Object.keys(whole)).toEqual(['chainHead', 'events']);
    expect(Object.keys(whole.events[0]!)).toEqual(['seq', 'at', 'actor', 'type', 'item', 'detail', 'prevHash', 'hash']);
    expect(whole.chainHead).toEqual({ seq: whole.events.at(-1)!.seq, hash: whole.events.at(-1)!.hash });
    const some = await cliJson<LogJson>('log', '--json', '--failed', ...A);
    expect(some.chainHead).toEqual(whole.chainHead);
    expect(some.events).toEqual(whole.events.filter((e) => some.events.some((x) => x.seq === e.seq)));
  });

  it('refuses a bad filter with exit 2 and a reason, before opening the archive', async () => {
    for (const [args, reason] of [
      [['--type', 'bogus'], /--type bogus: no such custody event type; one of "ingestion", /u],
      [['--from', '2021-02-30'], /--from 2021-02-30: no such date or time/u],
      [['--to', 'yesterday'], /--to yesterday: expected an ISO 8601 date or date-time/u],
      [['--item', 'ffffff'], /item ffffff: no such item/u],
    ] as [string[], RegExp][]) {
      const r = await runCli('log', ...args, ...A);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(reason);
      expect(r.out).toBe('');
    }
  });
});
