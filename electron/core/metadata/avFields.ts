// Normalizes ffprobe's JSON (plus the moov boxes ffprobe hides) into the record fields of issue #2.
import type { DateTag, Gps, Kind, NormalizedRecord } from '../../common/types.ts';
import type { FfprobeOutput, FfprobeStream } from './av.ts';
import type { MdpmInfo } from './avchd.ts';
import type { MoovInfo } from './bmff.ts';
import { bwfDateTime, isoDateText, quickTimeUtc, timeOfDay, type IsoDate } from './dates.ts';
import { judgeCameraClock, type GoProGpsClock } from './gopro.ts';
import { finalizeGps, parseIso6709 } from './gps.ts';

/** Facts read from inside the streams, which ffprobe does not expose. */
export interface AvExtras {
  /** AVCHD: MDPM of the H.264 SEI (avchd.ts). */
  mdpm?: MdpmInfo | null;
  /** GoPro: GPS clock of the first GPMF telemetry sample (gopro.ts). */
  goProClock?: GoProGpsClock | null;
}

/** The record fields an audio or video file contributes (no EXIF orientation for streams). */
export type AvFields = Omit<NormalizedRecord, 'sha256' | 'bytes' | 'mime' | 'kind' | 'orientation'> & { orientation: null };

/** Case-insensitive tag lookup: Vorbis comments arrive upper-case (DATE), ID3 lower-case (date). */
function tagOf(tags: Record<string, string> | undefined, name: string): string | null {
  if (!tags) return null;
  const key = Object.keys(tags).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : tags[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

const isStillCover = (s: FfprobeStream): boolean => s.disposition?.['attached_pic'] === 1;

// Writing applications are not devices: they go to raw, never to model (issue #2).
const APP_NAME = /pro ?tools|audacity|audition|reaper|logic|garageband|cubase|nuendo|wavelab|sound ?forge|ffmpeg|lavf|lame|sox|izotope|ableton|studio one|samplitude|hindenburg|ocenaudio|voice ?memos|whatsapp|telegram/i;

interface Candidate {
  tag: string;
  date: IsoDate | null;
}

const hasLocalOffset = (d: IsoDate | null): boolean => d !== null && /[+-]\d{2}:\d{2}$/.test(d.value);

/**
 * Date candidates by container family. QuickTime/MP4: a tag with an explicit local offset
 * (Apple com.apple.quicktime.creationdate, ©day) beats mvhd creation_time (UTC only), which
 * beats zone-less text. BWF: bext OriginationDate+OriginationTime. ID3/Vorbis: the date tag as
 * stored (often a date without time).
 */
function dateCandidates(probe: FfprobeOutput, moov: MoovInfo | null, extras: AvExtras): { capture: Candidate[]; other: Candidate[] } {
  const tags = probe.format?.tags;
  const fmt = probe.format?.format_name ?? '';
  const capture: Candidate[] = [];
  const other: Candidate[] = [];
  if (fmt.includes('mov') || fmt.includes('mp4')) {
    const apple: Candidate = { tag: 'QuickTime com.apple.quicktime.creationdate', date: isoDateText(tagOf(tags, 'com.apple.quicktime.creationdate')) };
    const day: Candidate = { tag: 'QuickTime ©day', date: isoDateText(tagOf(tags, 'date')) };
    const mvhd: Candidate = { tag: 'QuickTime mvhd creation_time (UTC)', date: quickTimeUtc(tagOf(tags, 'creation_time')) };
    const local = [apple, day].filter((c) => hasLocalOffset(c.date));
    capture.push(...local, mvhd, ...[apple, day].filter((c) => !local.includes(c)));
    other.push(
      { tag: "QuickTime udta 'date'", date: isoDateText(moov?.udtaDate) },
      { tag: 'QuickTime mvhd modification_time (UTC)', date: isoDateText(moov?.mvhd?.modificationTime) },
    );
  } else if (fmt === 'wav' || fmt.includes('w64')) {
    const time = tagOf(tags, 'creation_time');
    capture.push({ tag: 'BWF bext OriginationDate+OriginationTime', date: bwfDateTime(tagOf(tags, 'date'), time) });
    capture.push({ tag: 'RIFF INFO ICRD', date: isoDateText(tagOf(tags, 'date')) });
    const ref = Number(tagOf(tags, 'time_reference'));
    const rate = Number(probe.streams?.find((s) => s.codec_type === 'audio')?.['sample_rate']);
    const tod = ref > 0 && rate > 0 ? timeOfDay(ref / rate) : null;
    if (tod) other.push({ tag: `BWF bext TimeReference (${ref} samples since midnight at ${rate} Hz)`, date: { value: tod, hasZone: false } });
  } else if (fmt === 'mp3') {
    capture.push({ tag: 'ID3v2 TDRC', date: isoDateText(tagOf(tags, 'date')) });
    other.push({ tag: 'ID3v2 TDOR', date: isoDateText(tagOf(tags, 'TDOR') ?? tagOf(tags, 'originaldate')) });
  } else if (fmt === 'flac' || fmt === 'ogg') {
    capture.push({ tag: 'Vorbis comment DATE', date: isoDateText(tagOf(tags, 'date')) });
    other.push({ tag: 'Vorbis comment ORIGINALDATE', date: isoDateText(tagOf(tags, 'originaldate')) });
  } else {
    // AVCHD keeps the camera's date with its UTC offset only in the H.264 SEI (MDPM).
    if (extras.mdpm) capture.push({ tag: 'AVCHD H.264 SEI MDPM DateTimeOriginal', date: extras.mdpm.dateTime });
    capture.push(
      { tag: 'container creation_time (UTC)', date: quickTimeUtc(tagOf(tags, 'creation_time')) },
      { tag: 'container date tag', date: isoDateText(tagOf(tags, 'date')) },
    );
  }
  return { capture, other };
}

function position(probe: FfprobeOutput, moov: MoovInfo | null, extras: AvExtras, warnings: string[]): Gps | null {
  const tags = probe.format?.tags;
  const apple = parseIso6709(tagOf(tags, 'com.apple.quicktime.location.ISO6709'));
  if (apple) return finalizeGps(apple, 'QuickTime com.apple.quicktime.location.ISO6709', warnings);
  // loci keeps 16.16 precision and altitude; ffprobe's location tag rounds it to 4 decimals.
  if (moov?.loci) return finalizeGps({ lat: moov.loci.lat, lon: moov.loci.lon, alt: moov.loci.alt }, '3GPP udta loci', warnings);
  const xyz = parseIso6709(tagOf(tags, 'location'));
  if (xyz) return finalizeGps(xyz, 'QuickTime udta ©xyz', warnings);
  return extras.mdpm?.gps ? finalizeGps(extras.mdpm.gps, 'AVCHD H.264 SEI MDPM GPS', warnings) : null;
}

function deviceNames(probe: FfprobeOutput, moov: MoovInfo | null, extras: AvExtras): { make: string | null; model: string | null } {
  const tags = probe.format?.tags;
  const make = tagOf(tags, 'com.apple.quicktime.make') ?? tagOf(tags, 'com.android.manufacturer') ?? tagOf(tags, 'make') ?? extras.mdpm?.make ?? null;
  let model = tagOf(tags, 'com.apple.quicktime.model') ?? tagOf(tags, 'com.android.model') ?? tagOf(tags, 'model') ?? moov?.goProModel ?? extras.mdpm?.model ?? null;
  const fmt = probe.format?.format_name ?? '';
  if (!model && fmt === 'wav') {
    // ffprobe exposes the BWF bext Originator (EBU Tech 3285) as encoded_by; it names the
    // recorder unless an application wrote the file.
    const originator = tagOf(tags, 'encoded_by');
    if (originator && !APP_NAME.test(originator)) model = originator;
  }
  return { make, model };
}

/**
 * Whether a GoPro's mvhd creation_time (marked UTC) really is UTC: only when the camera's own
 * GPS clock (GPMF GPSU) agrees with it within minutes. Pushes a warning saying what was found
 * when it is not, or cannot be told. Never throws.
 */
function goProClockIsUtc(creationZ: string, clock: GoProGpsClock | null, warnings: string[]): boolean {
  if (clock === null || clock.fix === 0) {
    warnings.push('GoPro cameras store local wall-clock time in mvhd creation_time although it is marked UTC, and this clip has no GPS clock to check it against; the instant is unknown');
    return false;
  }
  const verdict = judgeCameraClock(creationZ, clock);
  if (verdict.kind === 'utc') return true;
  if (verdict.kind === 'local') {
    warnings.push(`GoPro mvhd creation_time is marked UTC but is the camera's local wall-clock time: the camera's GPS clock (UTC) read ${clock.utc}, so the camera clock was about UTC${verdict.offset}`);
  } else {
    warnings.push(`GoPro mvhd creation_time is marked UTC but differs from the camera's GPS clock (UTC ${clock.utc}) by ${Math.round(verdict.differenceSec)} s; the instant is unknown`);
  }
  return false;
}

/**
 * Rounds seconds to milliseconds. For QuickTime/MP4 the mvhd duration (QuickTime File Format,
 * Movie Header Atom: duration ÷ time scale) is used: it is what ffprobe ≤ 5 reported as
 * format.duration, while ffprobe ≥ 6 reports the longest stream instead (1.024 s instead of
 * 1.000 s for a Voice Memo). Other containers: ffprobe format.duration.
 */
function duration(probe: FfprobeOutput, moov: MoovInfo | null): number | null {
  const m = moov?.mvhd;
  const sec = m && m.timescale > 0 && m.duration > 0 && m.duration < 0xffffffff ? m.duration / m.timescale : Number(probe.format?.duration);
  return Number.isFinite(sec) && sec >= 0 ? Math.round(sec * 1000) / 1000 : null;
}

/**
 * Maps ffprobe JSON (and, for ISO-BMFF files, our own moov reading) to record fields:
 * capturedAt per dateCandidates; gps from Apple ISO6709, 3GPP loci or ©xyz (ISO 6709 Annex H);
 * width/height of the first video stream (not a cover picture) for video, else null;
 * durationSec in seconds (ms precision); codec of the first video stream for video, first audio
 * stream for audio; orientation always null (display-matrix rotation stays in raw);
 * serial/serialSource always null: no ffprobe format tag or moov box we read carries a camera
 * serial number (checked on the corpus with ffprobe and ExifTool; GoPro keeps its serials in
 * udta LENS/CAME and GPMF CASN, which are out of scope, and MP4 XMP is not read).
 * GoPro cameras often write local wall time into the "UTC" mvhd field: for them
 * capturedAtHasZone is true only when the GPS clock of the GPMF telemetry agrees with it
 * (goProClockIsUtc); otherwise false, with a warning saying why. AVCHD (MPEG-TS): date with
 * offset, make and (Sony) model from the H.264 SEI MDPM in `extras.mdpm`. Never throws.
 */
export function avFields(probe: FfprobeOutput, moov: MoovInfo | null, kind: Kind, warnings: string[], extras: AvExtras = {}): AvFields {
  const { capture, other } = dateCandidates(probe, moov, extras);
  if (extras.goProClock) other.push({ tag: 'GoPro GPMF GPSU (GPS clock, UTC, first telemetry sample)', date: isoDateText(extras.goProClock.utc) });
  const chosen = capture.find((c) => c.date !== null) ?? null;
  const otherDates: DateTag[] = [...capture, ...other]
    .filter((c) => c !== chosen && c.date !== null && !(c.tag.startsWith('RIFF INFO') && chosen?.tag.startsWith('BWF')))
    .map((c) => ({ tag: c.tag, value: c.date!.value }));
  let hasZone = chosen?.date?.hasZone ?? false;
  if (hasZone && chosen?.tag.startsWith('QuickTime mvhd') && (moov?.goProFirmware || moov?.goProModel)) {
    hasZone = goProClockIsUtc(chosen.date!.value, extras.goProClock ?? null, warnings);
  }
  if (extras.mdpm?.dst && chosen?.tag.startsWith('AVCHD')) {
    warnings.push('AVCHD: the camera set its daylight-saving flag; the stored UTC offset is kept as recorded');
  }
  if (extras.mdpm && extras.mdpm.makeCode !== null && extras.mdpm.make === null) {
    warnings.push(`AVCHD: maker code 0x${extras.mdpm.makeCode.toString(16).padStart(4, '0')} in the H.264 SEI is not a known maker; make left empty`);
  }
  const streams = probe.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !isStillCover(s));
  const audio = streams.find((s) => s.codec_type === 'audio');
  const isVideo = kind === 'video';
  return {
    ...deviceNames(probe, moov, extras),
    serial: null,
    serialSource: null,
    capturedAt: chosen?.date?.value ?? null,
    capturedAtSource: chosen?.tag ?? null,
    capturedAtHasZone: hasZone,
    otherDates,
    gps: position(probe, moov, extras, warnings),
    orientation: null,
    width: isVideo && typeof video?.width === 'number' && video.width > 0 ? video.width : null,
    height: isVideo && typeof video?.height === 'number' && video.height > 0 ? video.height : null,
    durationSec: duration(probe, moov),
    codec: (isVideo ? video?.codec_name : audio?.codec_name) ?? null,
  };
}
