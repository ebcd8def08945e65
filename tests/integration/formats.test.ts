// Every container the issue names, made here with Debian's ffmpeg and cross-checked with
// Debian's ffprobe (an independent build from the one we ship): type by content, kind, stored
// size, duration and codec — including MPEG-TS (.m2ts), on which the shipped ffprobe crashes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliJson } from '../helpers/cli.ts';

const HAS_FFMPEG = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'ea-formats-'));
const video = ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100', '-t', '2', '-shortest'];
const audio = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '1.5'];

const CASES: { file: string; args: string[]; kind: string; mime: string }[] = [
  { file: 'clip.mp4', args: video, kind: 'video', mime: 'video/mp4' },
  { file: 'clip.mov', args: video, kind: 'video', mime: 'video/quicktime' },
  { file: 'clip.m4v', args: [...video, '-f', 'ipod'], kind: 'video', mime: 'video/x-m4v' },
  { file: 'clip.3gp', args: [...video, '-c:v', 'h263', '-s', '352x288', '-c:a', 'aac', '-ar', '8000', '-ac', '1'], kind: 'video', mime: 'video/3gpp' },
  { file: 'clip.mkv', args: video, kind: 'video', mime: 'video/matroska' },
  { file: 'clip.avi', args: video, kind: 'video', mime: 'video/vnd.avi' },
  { file: 'clip.m2ts', args: video, kind: 'video', mime: 'video/mp2t' },
  { file: 'tone.wav', args: audio, kind: 'audio', mime: 'audio/wav' },
  { file: 'tone.mp3', args: audio, kind: 'audio', mime: 'audio/mpeg' },
  { file: 'tone.m4a', args: audio, kind: 'audio', mime: 'audio/mp4' },
  { file: 'tone.flac', args: audio, kind: 'audio', mime: 'audio/flac' },
  { file: 'tone.opus', args: [...audio, '-c:a', 'libopus'], kind: 'audio', mime: 'audio/ogg' },
];

interface Rec { sha256: string; mime: string; kind: string; width: number | null; height: number | null; durationSec: number | null; codec: string | null; sources: { name: string }[] }
let records: Rec[] = [];

function debianProbe(path: string): { width: number | null; height: number | null; duration: number; codec: string } {
  const r = spawnSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], { encoding: 'utf8' });
  const j = JSON.parse(r.stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; width?: number; height?: number }[] };
  const v = j.streams.find((s) => s.codec_type === 'video');
  const first = v ?? j.streams.find((s) => s.codec_type === 'audio')!;
  return { width: v?.width ?? null, height: v?.height ?? null, duration: Number(j.format.duration), codec: first.codec_name };
}

describe.skipIf(!HAS_FFMPEG)('containers and codecs made with ffmpeg', () => {
  beforeAll(() => {
    for (const c of CASES) {
      const r = spawnSync('ffmpeg', ['-loglevel', 'error', '-y', ...c.args, join(work, c.file)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ffmpeg could not make ${c.file}: ${r.stderr}`);
    }
    const ingest = runCliJson<{ counts: { added: number } }>(['ingest', work, '--archive', join(work, 'archive'), '--json']);
    expect(ingest.code, JSON.stringify(ingest.json)).toBe(0);
    records = runCliJson<Rec[]>(['list', '--archive', join(work, 'archive'), '--json']).json;
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('skips the archive folder when it lies inside the folder being ingested', () => {
    const again = runCliJson<{ files: { path: string; status: string; reason?: string }[] }>(['ingest', work, '--archive', join(work, 'archive'), '--json']);
    const self = again.json.files.find((f) => f.path === join(work, 'archive'))!;
    expect(self).toMatchObject({ status: 'skipped', reason: 'this is the archive being ingested into' });
    expect(again.json.files.filter((f) => f.path.startsWith(join(work, 'archive') + '/'))).toEqual([]);
    expect(again.code).toBe(0);
  });

  it.each(CASES)('$file: kind, mime, size, duration and codec agree with Debian ffprobe', (c) => {
    const rec = records.find((r) => r.sources.some((s) => s.name === c.file))!;
    expect(rec, c.file).toBeDefined();
    const ref = debianProbe(join(work, c.file));
    expect(rec.kind).toBe(c.kind);
    expect(rec.mime).toBe(c.mime);
    expect(rec.width).toBe(ref.width);
    expect(rec.height).toBe(ref.height);
    expect(rec.codec).toBe(ref.codec);
    expect(Math.abs(rec.durationSec! - ref.duration)).toBeLessThanOrEqual(0.05);
  });
});
