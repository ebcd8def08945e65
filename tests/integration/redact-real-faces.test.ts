// `evidence redact --blur-faces` with the real face module (core/redact/faces.ts, built in
// parallel): runs once that module is in this checkout, and is skipped before. A photo stored
// rotated (EXIF Orientation 6) with two people goes through the CLI, and the detector finds no
// face in the redacted copy it found in the original, which keeps its bytes.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';
import { REPO_ROOT, SHARED_DIR } from '../helpers/corpus.ts';

const FACES_MODULE = join(REPO_ROOT, 'electron/core/redact/faces.ts');
const PHOTO = join(SHARED_DIR, 'fixtures/faces/portrait-orientation-6.jpg');
const work = mkdtempSync(join(tmpdir(), 'ea-redact-faces-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface FacesModule {
  readUprightRgb(p: string): Promise<{ data: Buffer; width: number; height: number }>;
  detectFaces(img: { data: Buffer; width: number; height: number }): Promise<unknown[]>;
}

describe.skipIf(!existsSync(FACES_MODULE) || !existsSync(PHOTO))('redact --blur-faces with the real detector', () => {
  it('leaves no detectable face in the copy and the original unchanged', async () => {
    const archive = join(work, 'a');
    expect(runCli(['init', archive]).code).toBe(0);
    expect(runCli(['ingest', PHOTO, '--archive', archive]).code).toBe(0);
    const r = runCliJson<{ derivative: { sha256: string; removed: { blurredBoxes: number } } }[]>(['redact', '1', '--blur-faces', '--json', '--archive', archive]);
    expect(r.code, r.stderr).toBe(0);
    const d = r.json[0]!.derivative;
    const obj = (s: string) => join(archive, 'objects/sha256', s.slice(0, 2), s.slice(2, 4), s);
    const original = createHash('sha256').update(readFileSync(PHOTO)).digest('hex');
    expect(createHash('sha256').update(readFileSync(obj(original))).digest('hex')).toBe(original);
    const m = (await import(/* @vite-ignore */ FACES_MODULE)) as FacesModule;
    expect((await m.detectFaces(await m.readUprightRgb(obj(original)))).length).toBeGreaterThan(0);
    expect(d.removed.blurredBoxes).toBeGreaterThan(0);
    expect(await m.detectFaces(await m.readUprightRgb(obj(d.sha256)))).toEqual([]);
  }, 180_000);
});
