// Which items this build can make a redacted copy of, decided from the catalog record alone, so
// that an export can leave the others out before it writes anything (no file read, no ffmpeg,
// no sharp loaded).
import type { NormalizedRecord } from '../../common/types.ts';

/** An item this build cannot redact (audio, documents, an image or video format without a stripper), or boxes that do not fit it: a refusal, not a failure. */
export class RedactRefusedError extends Error {}

const PHOTO_MIMES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif']);
/** Video types redact.ts remuxes (the keys of video-strip.ts VIDEO_MUXERS; a test keeps them equal). */
export const VIDEO_MIMES: ReadonlySet<string> = new Set(['video/mp4', 'video/quicktime', 'video/3gpp', 'video/x-m4v']);

/**
 * Why this build cannot make a redacted copy of an item with record `rec`, as "(MIME):
 * redaction handles …", or null when it can (a JPEG, PNG, WebP or HEIC photo, an MP4 or MOV
 * video; 3GP and M4V too). An XMP sidecar, an audio file, a PDF or a text note gets a reason: nothing here can
 * take its metadata (GPS, serial numbers, names) out.
 */
export function redactionRefusal(rec: Pick<NormalizedRecord, 'kind' | 'mime'>): string | null {
  const mime = rec.mime ?? '';
  if (rec.kind === 'image' && PHOTO_MIMES.has(mime)) return null;
  if (rec.kind === 'video' && VIDEO_MIMES.has(mime)) return null;
  return `(${mime || rec.kind}): redaction handles JPEG, PNG, WebP and HEIC photos and MP4/MOV videos only`;
}
