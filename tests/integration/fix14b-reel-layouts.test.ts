// Reel names for cards as people copy them (issue 14 hostile test, f14b §3): a card copied into a
// folder named like a card's own folder (AVCHD), a folder inside a card whose root holds an ASC MHL
// history, and Canon's Cinema EOS layout (CONTENTS/CLIPS001).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { sealCard } from '../helpers/mhl-card.ts';

const tmp = mkdtempSync(join(tmpdir(), 'f14b-layouts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const put = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

async function reelsOf(archive: string, input: string): Promise<{ name: string; card: { kind: string; maker: string | null } | null }[]> {
  const r = await runCli('ingest', input, '--no-previews', '--operator', 'T', '--json', '--archive', archive);
  expect(r.code, r.err).toBe(0);
  return (JSON.parse(r.out) as { reels: { name: string; card: { kind: string; maker: string | null } | null }[] }).reels;
}

describe('reel names of card layouts', () => {
  it('a card copied into a folder named AVCHD is reel AVCHD, not the folder of all cards', async () => {
    const card = join(tmp, 'a', 'cards', 'AVCHD');
    put(join(card, 'PRIVATE', 'AVCHD', 'BDMV', 'STREAM', '00000.MTS'), 'stream');
    put(join(card, 'PRIVATE', 'AVCHD', 'BDMV', 'CLIPINF', '00000.CPI'), 'clipinf');
    const reels = await reelsOf(join(tmp, 'a', 'arch'), card);
    expect(reels.map((r) => [r.name, r.card?.kind])).toEqual([['AVCHD', 'AVCHD card']]);
  });

  it('a folder inside a card whose root holds an ascmhl/ history is on the reel of that root', async () => {
    const card = join(tmp, 'b', 'A002R3CD');
    put(join(card, 'B00T3', 'Clips', 'A002C001.mov'), 'clip');
    await sealCard(card, new Date('2026-01-01T10:00:00Z'));
    const reels = await reelsOf(join(tmp, 'b', 'arch'), join(card, 'B00T3', 'Clips'));
    expect(reels.map((r) => r.name)).toEqual(['A002R3CD']);
  });

  it("Canon's Cinema EOS layout is a Canon Cinema card, whichever folder of it is ingested", async () => {
    const card = join(tmp, 'c', 'C300_A');
    put(join(card, 'CONTENTS', 'CLIPS001', 'A001C001_240501AB_CANON.XML'), '<xml/>');
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'color=red:size=160x120:rate=25', '-t', '1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p',
      '-f', 'mp4', join(card, 'CONTENTS', 'CLIPS001', 'A001C001_240501AB_CANON.MP4')]);
    const whole = await reelsOf(join(tmp, 'c', 'arch'), card);
    expect(whole.map((r) => [r.name, r.card?.kind, r.card?.maker])).toEqual([['C300_A', 'Canon Cinema card', 'Canon']]);
    // The clip's XML is linked to it as its sidecar.
    const items = JSON.parse((await runCli('list', '--json', '--archive', join(tmp, 'c', 'arch'))).out) as { id: number; sources: { name: string }[]; sidecarOf?: number[] }[];
    const clip = items.find((i) => i.sources[0]!.name.endsWith('.MP4'))!;
    const xml = items.find((i) => i.sources[0]!.name.endsWith('.XML'))!;
    expect(xml.sidecarOf).toEqual([clip.id]);
    const part = await reelsOf(join(tmp, 'c', 'arch2'), join(card, 'CONTENTS', 'CLIPS001'));
    expect(part.map((r) => r.name)).toEqual(['C300_A']);
  });
});
