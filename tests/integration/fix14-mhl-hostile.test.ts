// Hostile or broken hash lists on a card (issue 14 hostile test): a list naming thousands of files
// that are not there is summed up in the custody log and --json still prints (D3); a list too
// large is refused unread with its reason (D3); a list that is not one (garbage, a DOCTYPE, a
// control character) fails the ingest with a custody event naming it, and the card's files are
// not called "not in the list" (D8).
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { writeCard } from '../helpers/mhl-card.ts';
import { writeMhlGeneration } from '../../electron/core/mhl/write.ts';
import { MAX_HASH_LIST_BYTES } from '../../electron/core/mhl/read.ts';
import { sourceListEvents } from '../helpers/source-list-events.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-mhl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const creator = { tool: 'Hedge', toolVersion: '23.1', hostName: 'dit-cart' };


describe('a hash list naming thousands of files not on the card', () => {
  it('logs one summary event, prints --json whole, and caps the human lines', async () => {
    const card = join(tmp, 'HUGE');
    writeCard(card, { 'Sidecar.txt': 'notes' });
    const files = Array.from({ length: 3000 }, (_, i) => ({ path: `Clips/ghost_${String(i).padStart(5, '0')}.mov`, bytes: 10, mtime: null, hashes: { xxh64: '0123456789abcdef' } }));
    await writeMhlGeneration({ folder: card, files, formats: ['xxh64'], creator, process: 'in-place' });
    const archive = join(tmp, 'arch-huge');
    const r = await runCli('ingest', card, '--archive', archive, '--operator', 'T', '--no-previews', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.mhl.counts.missing).toBe(3000);
    expect(report.mhl.files.filter((f: { status: string }) => f.status === 'missing')).toHaveLength(3000);
    const events = await sourceListEvents(archive);
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ outcome: 'fail', finding: { kind: 'summary', missing: 3000 } });
    const log = await runCli('log', '--archive', archive, '--type', 'fixity check');
    expect(log.out).toContain('listed files not on the card: 3000');
    const human = await runCli('ingest', card, '--archive', archive, '--operator', 'T', '--no-previews');
    const missingLines = human.out.split('\n').filter((l) => l.includes('ghost_'));
    expect(missingLines.length).toBe(50);
    expect(human.out).toContain('… and 2950 more files listed but not on the card (ingest --json names every one)');
  });

  it('a hash list larger than the limit is refused unread, naming the file and why', async () => {
    const card = join(tmp, 'BIG');
    writeCard(card, { 'Clips/a.mov': 'clip' });
    const gen = join(card, 'ascmhl', '0001_BIG_2026-01-01_100000Z.mhl');
    await writeMhlGeneration({ folder: card, files: [{ path: 'Clips/a.mov', bytes: 4, mtime: null, hashes: { xxh64: '0123456789abcdef' } }], formats: ['xxh64'], creator, process: 'in-place', now: new Date('2026-01-01T10:00:00Z') });
    writeFileSync(gen, '<hashlist version="2.0">');
    truncateSync(gen, MAX_HASH_LIST_BYTES + 1);
    const archive = join(tmp, 'arch-big');
    const r = await runCli('ingest', card, '--archive', archive, '--operator', 'T', '--no-previews', '--json');
    const report = JSON.parse(r.out);
    expect(report.mhl.histories[0].problems.join('\n')).toContain(`0001_BIG_2026-01-01_100000Z.mhl: ${MAX_HASH_LIST_BYTES + 1} bytes, more than the 64 MiB a hash list may have: not read`);
  });
});

describe('a hash list that cannot be read', () => {
  const cases: [string, string, RegExp][] = [
    ['garbage', 'this is not XML at all <<<', /not well-formed XML/u],
    ['doctype', '<?xml version="1.0"?><!DOCTYPE hashlist [<!ENTITY x SYSTEM "file:///etc/hostname">]><hashlist version="2.0"><hashes/></hashlist>', /document type declarations are not accepted/u],
    ['control', '<?xml version="1.0"?><hashlist version="2.0"><hashes><hash><path size="4">Clips/a\u001b.mov</path><xxh64>0123456789abcdef</xxh64></hash></hashes></hashlist>', /character 27 is not allowed/u],
  ];
  for (const [name, text, reason] of cases) {
    it(`${name}: exit 1, a problem line, a failed check naming the list, and no file called "not in the list"`, async () => {
      const card = join(tmp, `bad-${name}`);
      writeCard(card, { 'Clips/a.mov': 'clip', 'ascmhl/0001_X_2026-01-01_100000Z.mhl': text });
      const archive = join(tmp, `arch-bad-${name}`);
      const j = await runCli('ingest', card, '--archive', archive, '--operator', 'T', '--no-previews', '--json');
      expect(j.code).toBe(1);
      const report = JSON.parse(j.out);
      expect(report.mhl.rejected).toEqual([{ file: join(card, 'ascmhl', '0001_X_2026-01-01_100000Z.mhl'), reason: expect.stringMatching(reason) }]);
      expect(report.mhl.counts.notListed).toBe(0);
      const events = await sourceListEvents(archive);
      expect(events).toHaveLength(1);
      expect(events[0]!.detail).toMatchObject({ outcome: 'fail', hashList: { folder: `bad-${name}`, file: 'ascmhl/0001_X_2026-01-01_100000Z.mhl' }, finding: { kind: 'unreadable-list' } });
      expect(JSON.stringify(events[0]!.detail)).not.toContain(tmp);
      const log = await runCli('log', '--archive', archive, '--type', 'fixity check');
      expect(log.out).toContain('The hash list 0001_X_2026-01-01_100000Z.mhl could not be read');
    });
  }
});
