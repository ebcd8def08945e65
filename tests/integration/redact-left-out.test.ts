// Issue 13 hardening, defect 1: a set of redacted copies (`export --redacted-media`) whose
// selection holds an item no redacted copy can be made of (a GoPro clip's XMP sidecar with GPS,
// serial and creator; a text note; a damaged JPEG) crashed with "internal error" (exit 3) under
// --redact-missing, and without it asked the user to `evidence redact` the sidecar, which can
// never succeed. Now such an item is left out, named on stderr with the reason, never shipped as
// an original; the set says so (bag-info.txt, evidence/left-out.json, the custody record) without
// the file, its name or its content; the export exits 0, as when a public release withholds an item.
// The desktop's export job leaves them out the same way.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobResultSchema, type JobEvent, type JobInfo } from '../../electron/common/ipc.ts';
import { dispatch } from '../../electron/core/service/dispatch.ts';
import { createArchiveService } from '../../electron/core/service/service.ts';
import { runCli } from '../helpers/cli-inprocess.ts';
import { VIDEO_MIMES } from '../../electron/core/redact/redactable.ts';
import { VIDEO_MUXERS } from '../../electron/core/redact/video-strip.ts';

const NAME = 'Aigul Secretname';
const SERIAL = 'C3441325012345';
const XMP = `<?xml version="1.0"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 exif:GPSLatitude="42,52.1234N" exif:GPSLongitude="74,35.5678E" aux:SerialNumber="${SERIAL}">
<dc:creator><rdf:Seq><rdf:li>${NAME}</rdf:li></rdf:Seq></dc:creator>
</rdf:Description></rdf:RDF></x:xmpmeta>
`;

let root: string;
let arch: string;
const ids: Record<string, number> = {};

/** Every byte under `dir`, as latin1 text. */
function allBytes(dir: string): string {
  let s = '';
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) s += readFileSync(join(e.parentPath, e.name), 'latin1');
  return s;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-redact-left-out-'));
  arch = join(root, 'archive');
  const card = join(root, 'card', 'DCIM', '100GOPRO');
  mkdirSync(card, { recursive: true });
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '1', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-shortest', join(card, 'GX010001.MP4')]);
  writeFileSync(join(card, 'GX010001.MP4.xmp'), XMP);
  const notes = join(root, 'notes');
  mkdirSync(notes);
  writeFileSync(join(notes, 'statement.txt'), `Statement of ${NAME}, serial ${SERIAL}.\n`);
  // JPEG magic, then nothing a JPEG parser accepts: ingested as image/jpeg, its copy cannot be made.
  writeFileSync(join(notes, 'damaged.jpg'), Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0 broken')]));
  for (const dir of [join(root, 'card'), notes]) expect((await runCli('ingest', dir, '--archive', arch, '--no-previews')).code).toBe(0);
  const list = await runCli('list', '--archive', arch, '--json');
  for (const it of JSON.parse(list.out) as { id: number; sources: { name: string }[] }[]) ids[it.sources[0]!.name] = it.id;
  expect(Object.keys(ids).sort()).toEqual(['GX010001.MP4', 'GX010001.MP4.xmp', 'damaged.jpg', 'statement.txt']);
  expect((await runCli('place', 'add', 'Yard', '--archive', arch)).code).toBe(0);
  for (const id of Object.values(ids)) expect((await runCli('tag', String(id), '--place', 'yard', '--archive', arch)).code).toBe(0);
  // The clip's copy made beforehand (metadata only: no face model needed for the test).
  expect((await runCli('redact', String(ids['GX010001.MP4']), '--strip-metadata', '--archive', arch)).code).toBe(0);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('export --redacted-media with items no redacted copy can be made of', () => {
  it('the types the export deems redactable are the ones redact remuxes', () => {
    expect([...VIDEO_MIMES].sort()).toEqual(Object.keys(VIDEO_MUXERS).sort());
  });

  it('--redact-missing: leaves the sidecar, the note and the damaged JPEG out, names each with the reason, exits 0', async () => {
    const out = join(root, 'out-missing');
    const r = await runCli('export', '--archive', arch, '--place', 'yard', '--redact-people', '--redacted-media', '--redact-missing', '--no-sign', '--json', '--out', out);
    expect(r.err).not.toContain('internal error');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(new RegExp(`left out: item ${ids['GX010001.MP4.xmp']} GX010001\\.MP4\\.xmp: cannot be redacted \\(application/xml\\)`, 'u'));
    expect(r.err).toMatch(new RegExp(`left out: item ${ids['statement.txt']} statement\\.txt: cannot be redacted \\(text/plain\\)`, 'u'));
    expect(r.err).toMatch(new RegExp(`left out: item ${ids['damaged.jpg']} damaged\\.jpg: its redacted copy could not be made`, 'u'));
    expect(r.err).toContain('note: 3 items left out of this set of redacted copies');
    const json = JSON.parse(r.out) as { items: number; leftOutUnredacted: { id: number; reason: string }[] };
    expect(json.items).toBe(1);
    expect(json.leftOutUnredacted.map((l) => [l.id, l.reason]).sort()).toEqual([
      [ids['GX010001.MP4.xmp'], 'cannot-redact'], [ids['statement.txt'], 'cannot-redact'], [ids['damaged.jpg'], 'redaction-failed'],
    ].sort());
    // Only the clip's redacted copy is in the payload; no byte of the set holds the name, the serial or the GPS.
    expect(readdirSync(join(out, 'data'), { recursive: true }).map(String).filter((f) => f.includes('.')).map((f) => f.split('/').at(-1))).toEqual([`item-${ids['GX010001.MP4']}.redacted.mp4`]);
    const bytes = allBytes(out);
    for (const secret of [NAME, SERIAL, '52.1234', 'GX010001.MP4.xmp', 'statement.txt', 'damaged.jpg']) expect(bytes.includes(secret), secret).toBe(false);
    // The set says what was left out, by type and SHA-256.
    const bagInfo = readFileSync(join(out, 'bag-info.txt'), 'utf8').replace(/\n\s+/gu, ' ');
    expect(bagInfo).toMatch(/Evidence-Unredacted-Items-Left-Out: 3 items chosen for this set were left out of it/u);
    expect(bagInfo).toContain('(application/xml, text/plain)');
    const leftOut = JSON.parse(readFileSync(join(out, 'evidence', 'left-out.json'), 'utf8')) as { sha256: string; mime: string; reason: string }[];
    expect(leftOut.map((l) => l.mime).sort()).toEqual(['application/xml', 'image/jpeg', 'text/plain']);
    // The bag verifies, and the archive's dissemination event records the items left out by SHA-256.
    expect((await runCli('verify-bag', out)).code).toBe(5);
    const log = await runCli('log', '--archive', arch, '--json');
    const events = (JSON.parse(log.out) as { events: { type: string; detail: { selection?: { leftOutUnredacted?: { item: string }[] } } }[] }).events;
    const ev = events.filter((e) => e.type === 'dissemination' && e.detail.selection).at(-1);
    expect(ev?.detail.selection?.leftOutUnredacted?.map((l) => l.item).sort()).toEqual(leftOut.map((l) => l.sha256).sort());
  }, 60_000);

  it('without --redact-missing: the sidecar is left out, not refused with advice to redact it', async () => {
    const out = join(root, 'out-plain');
    const r = await runCli('export', '--archive', arch, '--item', String(ids['GX010001.MP4']), String(ids['GX010001.MP4.xmp']), '--redact-people', '--redacted-media', '--no-sign', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.err).not.toContain('evidence redact ID');
    expect(r.err).toContain(`left out: item ${ids['GX010001.MP4.xmp']} GX010001.MP4.xmp: cannot be redacted`);
    expect(allBytes(out).includes(SERIAL)).toBe(false);
  });

  it('a selection of nothing but such items exports nothing, exit 2', async () => {
    const out = join(root, 'out-none');
    const r = await runCli('export', '--archive', arch, '--item', String(ids['GX010001.MP4.xmp']), '--redacted-media', '--no-sign', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('the only item chosen cannot be redacted');
    expect(() => readdirSync(out)).toThrow(/ENOENT/u);
  });

  it('the desktop export job leaves them out the same way and reports them', async () => {
    const events: JobEvent[] = [];
    const svc = createArchiveService({
      settingsFile: join(root, 'settings.json'), appInfo: { version: 't', platform: 'linux', packaged: false }, emit: (e) => events.push(e),
      threads: 1, autoDerivatives: false, keysDir: join(root, 'keys'),
    });
    try {
      const call = async (c: string, input: unknown) => {
        const r = await dispatch(svc.handlers, c, input, { checkOutput: true });
        if (!r.ok) throw new Error(r.error.message);
        return r.value as never;
      };
      await call('archive.open', { dir: arch, create: false });
      const { jobId } = await call('jobs.start', {
        kind: 'export', itemIds: [ids['GX010001.MP4'], ids['GX010001.MP4.xmp'], ids['statement.txt']], outDir: join(root, 'out-app'),
        redactPeople: true, redactedMedia: true, unsigned: true,
      }) as { jobId: string };
      const end = (): JobInfo | undefined => events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && ['done', 'failed', 'cancelled'].includes(e.job.state) ? [e.job] : [])).at(-1);
      for (const deadline = Date.now() + 60_000; !end() && Date.now() < deadline;) await new Promise((res) => setTimeout(res, 25));
      const job = end()!;
      expect(job.state, job.error?.message).toBe('done');
      expect(JobResultSchema.safeParse(job.result).success).toBe(true);
      const report = job.result?.kind === 'export' ? job.result.report : null;
      expect(report?.items).toBe(1);
      expect(report?.leftOutUnredacted?.map((l) => l.id).sort()).toEqual([ids['GX010001.MP4.xmp'], ids['statement.txt']].sort());
      const bytes = allBytes(report!.bagDir);
      for (const secret of [NAME, SERIAL]) expect(bytes.includes(secret), secret).toBe(false);
      expect(readFileSync(join(report!.bagDir, 'bag-info.txt'), 'utf8')).toContain('Evidence-Unredacted-Items-Left-Out');
    } finally {
      await svc.close();
    }
  }, 60_000);
});
