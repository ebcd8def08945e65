// Broken and non-media input: extraction must never throw; it reports an error or empty fields.
import { copyFileSync, mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sniffFile } from '../../electron/core/ingest/sniff.ts';
import { emptyFields, extractMetadata } from '../../electron/core/metadata/index.ts';
import { HAS_CORPUS, MEDIA_DIR } from '../helpers/corpus.ts';

const dir = mkdtempSync(join(tmpdir(), 'evidence-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Copies the first `n` bytes of a corpus file, as an interrupted transfer would leave it. */
function truncatedCopy(rel: string, n: number, name: string): string {
  const buf = Buffer.alloc(n);
  const fd = openSync(join(MEDIA_DIR, rel), 'r');
  try {
    readSync(fd, buf, 0, n, 0);
  } finally {
    closeSync(fd);
  }
  const out = join(dir, name);
  writeFileSync(out, buf);
  return out;
}

describe('bad input', () => {
  it('a zero-byte file sniffs as other with no mime and extracts to empty fields', async () => {
    const path = join(dir, 'empty.jpg');
    writeFileSync(path, '');
    expect(await sniffFile(path)).toEqual({ mime: null, kind: 'other', ext: null });
    const asOther = await extractMetadata(path, null, 'other');
    expect(asOther.fields).toEqual(emptyFields());
    // Even when a caller insists it is a JPEG, nothing throws.
    const asImage = await extractMetadata(path, 'image/jpeg', 'image');
    expect(asImage.fields).toEqual(emptyFields());
  });

  it('an HTML file named .jpg is typed by content and yields no image fields', async () => {
    const path = join(dir, 'page.jpg');
    writeFileSync(path, '<!DOCTYPE html>\n<html><head><title>not a photo</title></head><body>hello</body></html>\n');
    const sniff = await sniffFile(path);
    expect(sniff).toEqual({ mime: 'text/html', kind: 'other', ext: 'html' });
    expect((await extractMetadata(path, sniff.mime, sniff.kind)).fields).toEqual(emptyFields());
    const forced = await extractMetadata(path, 'image/jpeg', 'image');
    expect(forced.fields.width).toBeNull();
    expect(forced.fields.capturedAt).toBeNull();
  });

  it('a missing file reports an error instead of throwing', async () => {
    const result = await extractMetadata(join(dir, 'does-not-exist.jpg'), 'image/jpeg', 'image');
    expect(result.error).toMatch(/ENOENT/);
    expect(result.fields).toEqual(emptyFields());
  });

  it('garbage handed to ffprobe reports ffprobe\'s reason', async () => {
    const path = join(dir, 'noise.mp4');
    writeFileSync(path, Buffer.alloc(4096, 0x5a));
    const result = await extractMetadata(path, 'video/mp4', 'video');
    expect(result.error).toMatch(/^ffprobe failed: /);
    expect(result.fields).toEqual(emptyFields());
  });
});

describe.skipIf(!HAS_CORPUS)('truncated corpus files', () => {
  it('the HTML.jpg corpus file is not an image', async () => {
    const path = join(dir, 'HTML.jpg');
    copyFileSync(join(MEDIA_DIR, 'edge', 'HTML.jpg'), path);
    const sniff = await sniffFile(path);
    expect(sniff.kind).toBe('other');
    expect(sniff.mime).not.toMatch(/^(image|video|audio)\//);
  });

  it('a JPEG cut inside its EXIF segment: no throw, size unknown, a clear error', async () => {
    // Apple iPhone 4.jpg: the APP1/EXIF segment runs past byte 2000; SOF comes much later.
    const path = truncatedCopy('metadata-extractor-images/jpg/Apple iPhone 4.jpg', 2000, 'cut-exif.jpg');
    const sniff = await sniffFile(path);
    expect(sniff).toMatchObject({ mime: 'image/jpeg', kind: 'image' });
    const result = await extractMetadata(path, sniff.mime, sniff.kind);
    expect(result.fields.width).toBeNull();
    expect(result.fields.height).toBeNull();
    expect(result.error).toMatch(/JPEG|exifr/);
  });

  it('a JPEG cut inside its image data keeps the header facts', async () => {
    const path = truncatedCopy('metadata-extractor-images/jpg/Apple iPhone 5.jpg', 200_000, 'cut-data.jpg');
    const result = await extractMetadata(path, 'image/jpeg', 'image');
    expect(result.error).toBeNull();
    expect(result.fields).toMatchObject({ make: 'Apple', model: 'iPhone 5', width: 3264, height: 2448, orientation: 3 });
  });

  it('an MP4 cut before its moov box: no throw, an error from ffprobe', async () => {
    // FLIR Thermal.mp4 keeps moov after mdat, so the first MiB holds no moov at all.
    const path = truncatedCopy('metadata-extractor-images/mp4/FLIR Thermal.mp4', 1024 * 1024, 'cut.mp4');
    const result = await extractMetadata(path, 'video/mp4', 'video');
    expect(result.error).toMatch(/ffprobe failed/);
    expect(result.fields.durationSec).toBeNull();
  });

  it('a PDF cut before its xref yields empty fields, not an exception', async () => {
    const path = truncatedCopy('documents/OCRmyPDF/linn.pdf', 70_000, 'cut.pdf');
    const result = await extractMetadata(path, 'application/pdf', 'document');
    expect(result.fields.capturedAt).toBeNull(); // linn.pdf keeps its Info dictionary at the very end
    expect(result.warnings.join('\n')).toMatch(/cross-reference/);
  });

  it('an M4A cut inside its moov box reports that no stream was found', async () => {
    const path = truncatedCopy('audio/music-metadata/Apple  voice memo.m4a', 8000, 'cut.m4a');
    const result = await extractMetadata(path, 'audio/mp4', 'audio');
    expect(result.error).toMatch(/no audio or video stream/);
    expect(result.fields.codec).toBeNull();
  });

  it('a HEIC cut after its meta box keeps the stored size and reports the lost EXIF', async () => {
    const path = truncatedCopy('exifr/heic-iphone7.heic', 3000, 'cut.heic');
    const result = await extractMetadata(path, 'image/heic', 'image');
    expect(result.fields).toMatchObject({ width: 4032, height: 3024, make: null, capturedAt: null });
    expect(result.error).toMatch(/exifr could not read the EXIF block/);
  });
});
