// Metadata removal from MP4/MOV by an ffmpeg remux: the video and audio streams are copied packet
// for packet (`-c copy`, so audio stays bit-identical), every other stream is left out (GoPro
// GPMF telemetry carries GPS, timecode tracks, DJI and phone data tracks, cover-art thumbnails),
// and no container, stream or chapter metadata is carried over (udta ©xyz location, Apple
// keys, make/model/serials, encoder names). SEI NAL units are removed from H.264 and HEVC video
// packets (and an HEVC decoder configuration): they hold camera user data, encoder notes and any
// text planted there, and no picture data. The capture date is written back as asked.
import { runFfmpeg } from '../derivatives/ffmpeg.ts';
import { runFfprobe } from '../metadata/av.ts';
import { datePlan, type DatePolicy } from './exif-min.ts';
import { removeHvccSei } from './hvcc-sei.ts';
import type { Removed } from './jpeg-strip.ts';

/** MIME types of videos this module remuxes, and the ffmpeg muxer for each. */
export const VIDEO_MUXERS: Record<string, string> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/3gpp': 'mp4',
  'video/x-m4v': 'mp4',
};

/** UTC ISO text for an ISO date with a zone (Z or ±hh:mm), or null for a bare wall time. */
function utcOf(capturedAt: string): string | null {
  if (!/(Z|[+-]\d{2}:\d{2})$/u.test(capturedAt)) return null;
  const t = Date.parse(capturedAt);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * The ffmpeg arguments that write the capture date under `policy`: 'keep' with a zone → the
 * container's creation_time (mvhd, UTC by spec); 'keep' of a bare wall time, or a coarsened date →
 * the `date` tag (©day), as stored or as "2021-04-29" / "2021-04" / "2021"; 'drop' → none.
 */
export function videoDateArgs(capturedAt: string | null, policy: DatePolicy): string[] {
  if (!capturedAt || policy === 'drop') return [];
  if (policy === 'keep') {
    const utc = utcOf(capturedAt);
    if (utc) return ['-metadata', `creation_time=${utc}`];
    return ['-metadata', `date=${capturedAt}`];
  }
  const plan = datePlan(capturedAt, policy);
  return plan?.coarse ? ['-metadata', `date=${plan.coarse}`] : [];
}

// Tag keys a removal may name as they are: those ffmpeg, cameras and phones write with a fixed
// meaning. Any other key is counted, never named: `-metadata 'Aigul_39.98N_71.43E=x'` makes a
// key of whatever the writer chose, so a key can carry a name or a position as well as a value can.
const KNOWN_VIDEO_KEYS: ReadonlySet<string> = new Set([
  'major_brand', 'minor_version', 'compatible_brands', 'creation_time', 'title', 'artist', 'album', 'album_artist', 'author',
  'comment', 'description', 'synopsis', 'copyright', 'composer', 'genre', 'date', 'year', 'encoder', 'encoded_by',
  'location', 'location-eng', 'language', 'handler_name', 'vendor_id', 'timecode', 'rotate', 'make', 'model',
  'software', 'firmware', 'keywords', 'grouping', 'lyrics', 'track', 'disc', 'show', 'episode_id', 'network',
  'media_type', 'hd_video', 'gapless_playback', 'compilation', 'sort_name', 'sort_artist', 'sort_album',
  'performer', 'publisher', 'service_name', 'service_provider', 'variant_bitrate', 'duration', 'filename', 'mimetype',
]);
const KNOWN_APPLE_KEYS: ReadonlySet<string> = new Set([
  'make', 'model', 'software', 'creationdate', 'location.iso6709', 'location.accuracy.horizontal', 'location.name',
  'location.body', 'location.note', 'location.role', 'location.date', 'author', 'title', 'description', 'comment',
  'keywords', 'artist', 'displayname', 'copyright', 'information', 'content.identifier', 'camera.identifier',
  'camera.lens_model', 'camera.focal_length.35mm_equivalent', 'full-frame-rate-playback-intent', 'live-photo.auto',
  'live-photo.vitality-score', 'live-photo.vitality-scoring-version', 'cinematic-video', 'collection.user',
  'detected-face', 'direction.facing', 'direction.motion', 'genre', 'producer', 'publisher', 'rating.user', 'year',
]);

/**
 * Whether a metadata key may be recorded by name (KNOWN_VIDEO_KEYS, or "com.apple.quicktime." and
 * a known suffix; compared in lower case), rather than only counted.
 */
export function isKnownVideoKey(key: string): boolean {
  const k = key.toLowerCase();
  if (KNOWN_VIDEO_KEYS.has(k)) return true;
  return k.startsWith('com.apple.quicktime.') && KNOWN_APPLE_KEYS.has(k.slice('com.apple.quicktime.'.length));
}

/**
 * What a remux leaves out of `input`, by name only: dropped streams, chapters, and the container
 * and stream tag keys that are well known (isKnownVideoKey); the number of other keys goes to
 * `otherTags`, since a key a writer made up can itself hold a name or a position.
 */
export async function videoRemovals(input: string): Promise<Removed> {
  const probe = await runFfprobe(input);
  const removed: Removed = { groups: [], tags: [], otherTags: 0 };
  const other = new Set<string>();
  const p = probe as unknown as { streams?: Record<string, unknown>[]; format?: { tags?: Record<string, unknown> }; chapters?: unknown[] };
  for (const s of p.streams ?? []) {
    const type = String(s.codec_type ?? 'unknown');
    const attached = (s.disposition as Record<string, number> | undefined)?.attached_pic === 1;
    const tag = String(s.codec_tag_string ?? s.codec_name ?? '?');
    if ((type !== 'video' && type !== 'audio') || attached) removed.groups.push(`stream ${String(s.index)} ${attached ? 'attached picture' : type} (${tag})`);
    for (const k of Object.keys((s.tags as Record<string, unknown> | undefined) ?? {})) {
      const name = `stream ${String(s.index)}:${k}`;
      if (!isKnownVideoKey(k)) other.add(name);
      else if (!removed.tags.includes(name)) removed.tags.push(name);
    }
  }
  const fmt = Object.keys(p.format?.tags ?? {});
  if (fmt.length) removed.groups.push('container metadata');
  for (const k of fmt) if (!isKnownVideoKey(k)) other.add(`container:${k}`);
  removed.tags.unshift(...fmt.filter(isKnownVideoKey).map((k) => `container:${k}`));
  removed.otherTags = other.size;
  if (p.chapters?.length) removed.groups.push('chapters');
  return removed;
}

/**
 * SEI NAL unit types removed from a stream copy, per codec: H.264 SEI (type 6, ITU-T H.264
 * Table 7-1) and HEVC prefix and suffix SEI (39, 40, ITU-T H.265 Table 7-1). SEI carries no picture
 * data; cameras put GPS, serial numbers and dates in its user data (AVCHD's MDPM), encoders their
 * name and settings, and anyone can plant text there that no metadata reader shows.
 */
export const SEI_NAL_TYPES: Record<string, string> = { h264: '6', hevc: '39|40' };

/** What the redaction settings say of SEI in a video copy. */
export const VIDEO_SEI_SETTING = 'SEI NAL units removed from H.264 (type 6) and HEVC (types 39, 40) video';

/** A video stream whose SEI a remux removes: its output video index, input index and codec. */
interface SeiStream { n: number; index: number; codec: string }

/**
 * The ffmpeg options that remove SEI from each output video stream of a `-map 0:V` remux of
 * `streams` (ffprobe's): `-bsf:v:N filter_units=remove_types=…` for each H.264 or HEVC stream, N
 * counting the video streams that are not attached pictures; other codecs get none. `count` are
 * the options of a second output, in the same ffmpeg run, that writes to standard output one
 * framecrc line per packet holding SEI (`pass_types`, packets without SEI dropped), so that the
 * `removed` record says only what was there.
 */
export function seiFilterArgs(streams: { codec_type?: string; codec_name?: string; index?: number; disposition?: Record<string, number> }[]): { args: string[]; count: string[]; filtered: SeiStream[] } {
  const args: string[] = [];
  const count: string[] = [];
  const filtered: SeiStream[] = [];
  let n = 0;
  for (const s of streams) {
    if (s.codec_type !== 'video' || s.disposition?.attached_pic === 1) continue;
    const types = SEI_NAL_TYPES[s.codec_name ?? ''];
    if (types) {
      args.push(`-bsf:v:${n}`, `filter_units=remove_types=${types}`);
      count.push(`-bsf:v:${n}`, `filter_units=pass_types=${types}`);
      filtered.push({ n, index: Number(s.index), codec: s.codec_name === 'h264' ? 'H.264' : 'HEVC' });
    }
    n++;
  }
  return { args, count: filtered.length ? ['-map', '0:V', '-c', 'copy', ...count, '-f', 'framecrc', 'pipe:1'] : [], filtered };
}

/** The `removed` groups of the SEI a remux took out: framecrc `lines` (a line per packet with SEI, stream first) per filtered stream. */
function seiGroups(lines: string, filtered: SeiStream[]): string[] {
  const packets = new Map<number, number>();
  for (const l of lines.split('\n')) {
    const m = /^\s*(\d+),/u.exec(l);
    if (m) packets.set(Number(m[1]), (packets.get(Number(m[1])) ?? 0) + 1);
  }
  return filtered.filter((f) => packets.get(f.n)).map((f) => `stream ${f.index} SEI messages (${f.codec}, in ${packets.get(f.n)!} packets)`);
}

/**
 * Remuxes `input` to `output` (which must not exist) as `muxer` ('mp4' or 'mov'): video streams
 * other than attached pictures and all audio streams, copied (`-c copy`, the packets
 * unchanged but for the SEI NAL units removed from H.264 and HEVC video, seiFilterArgs, also from
 * an HEVC decoder configuration, removeHvccSei), no other stream, no metadata, no chapters,
 * bit-exact muxing (no encoder tag), and the date of videoDateArgs. Resolves to the groups removed
 * from the video bitstream (for the redaction's `removed` record). Rejects with ffmpeg's message
 * when the remux fails, or with Mp4BoxError when an hvcC's SEI cannot be removed; `signal` aborts it.
 */
export async function remuxWithoutMetadata(input: string, output: string, muxer: string, capturedAt: string | null, policy: DatePolicy, signal?: AbortSignal): Promise<string[]> {
  const sei = seiFilterArgs((await runFfprobe(input)).streams ?? []);
  const counted = await runFfmpeg([
    '-i', input,
    '-map', '0:V', '-map', '0:a?',
    '-c', 'copy',
    ...sei.args,
    '-map_metadata', '-1', '-map_chapters', '-1',
    '-fflags', '+bitexact',
    ...videoDateArgs(capturedAt, policy),
    '-f', muxer, '-n', output,
    ...sei.count,
  ], { signal, timeoutMs: 60 * 60_000 });
  const inConfig = removeHvccSei(output);
  return [...seiGroups(counted.toString('latin1'), sei.filtered), ...(inConfig ? [`SEI in the HEVC decoder configuration (hvcC: ${inConfig} NAL units)`] : [])];
}

/**
 * Whether a redacted copy's record of removed keys (Derivative.removed / the redaction event's
 * `removed`) names a video key outside the known vocabulary: copies made before keys were counted
 * recorded every key by name, and a made-up key can hold a name or a position. Their events cannot
 * be edited; the copy can be made again.
 */
export function namesFreeVideoKeys(removed: Record<string, unknown>): boolean {
  const tags = Array.isArray(removed.metadataTags) ? removed.metadataTags.map(String) : [];
  return tags.some((t) => {
    const m = /^(?:container|stream \d+):(.*)$/su.exec(t);
    return m !== null && !isKnownVideoKey(m[1]!);
  });
}
