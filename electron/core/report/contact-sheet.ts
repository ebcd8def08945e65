// Contact sheets of the video clips of a set in its custody report (issue 16 §2, an option): frames
// across each clip with their timecodes, so a reader of the printed report sees what a clip shows
// without playing it. Made by derivatives/filmstrip.ts; a sheet already under derivatives/ is used
// (opened in memory when sealed, in an encrypted archive).
import { contactSheetJpeg, sheetPath } from '../derivatives/filmstrip.ts';
import { readDerivative } from '../derivatives/sealed.ts';
import type { ReportLang } from './model.ts';

/** The heading over a contact sheet, in the report's language. */
export const CONTACT_SHEET_WORD: Record<ReportLang, string> = {
  en: 'Contact sheet (frames across the clip, with timecodes)',
  ru: 'Контактный лист (кадры по всему клипу, с таймкодами)',
  ky: 'Контакттык барак (клип боюнча кадрлар, таймкоддору менен)',
};

/** Pixel size of a contact sheet JPEG (filmstrip.ts: 4 × 320 px wide, 44 px header + 3 rows of 180 + 26 px). */
export const SHEET_SIZE = { width: 1280, height: 662 } as const;

/**
 * The contact sheet JPEG of a clip for the report: the one under `derivativesDir` when made
 * (a sealed one opened in memory with `derivativeKey`, the archive's Archive.derivativeKey),
 * else one made in memory (not written): also when it cannot be read or opened. Null for an
 * item that is not a clip with a duration. Throws as contactSheetJpeg (ffmpeg failure, abort).
 */
export async function reportContactSheet(objectsDir: string, derivativesDir: string | undefined,
  clip: { sha256: string; kind: string; durationSec: number | null; name: string }, signal?: AbortSignal,
  derivativeKey?: Buffer | null): Promise<Buffer | null> {
  if (clip.kind !== 'video' || !clip.durationSec) return null;
  if (derivativesDir) {
    try {
      return await readDerivative(sheetPath(derivativesDir, clip.sha256), derivativeKey ?? null);
    } catch {
      // not made yet, or sealed and no key given: make it below
    }
  }
  return contactSheetJpeg(objectsDir, { sha256: clip.sha256, durationSec: clip.durationSec, name: clip.name }, signal);
}
