// Which files are sidecars, and of which clip, by the names cameras give them. Only names and
// folders are read here; the content of a playlist (which clips it lists) is read in avchd.ts.
//
// Layouts as cameras write them:
// - Sony XAVC S / XAVC HS / XDCAM: `M4ROOT/CLIP/C0001.MP4` (or `.MXF`) with `C0001M01.XML`
//   (NonRealTimeMeta; M01…M99 is the revision) in the same folder.
// - AVCHD (Sony, Panasonic, Canon camcorders): `PRIVATE/AVCHD/BDMV/STREAM/00000.MTS` with
//   `BDMV/CLIPINF/00000.CPI` (clip information) and `BDMV/PLAYLIST/00000.MPL` (a playlist naming
//   the clips it plays); the Blu-ray spelling (`.m2ts`, `.clpi`, `.mpls`) is the same structure.
// - GoPro: `GX010001.MP4` (HEVC) or `GH010001.MP4` (AVC) with `GX010001.THM` and the low-resolution
//   proxy `GL010001.LRV`; older models `GOPR0001.MP4` with `GOPR0001.THM`/`GOPR0001.LRV`.
// - Canon (and others): `MVI_0001.MOV` with `MVI_0001.THM`.
// - Canon Cinema EOS (C70, C300 Mark III, R5 C…): `CONTENTS/CLIPS001/A001C001_240501AB_CANON.MP4`
//   (or `.MXF`) with `A001C001_240501AB_CANON.XML` of the same name (linked; its content not read).
// - XMP (Adobe, Lightroom, darktable, DJI): `X.xmp` beside `X.EXT`, or `X.EXT.xmp`.
import { basename, dirname, join } from 'node:path';

/** The kinds of sidecar the archive links (the `kind` column of item_sidecars). */
export const SIDECAR_KINDS = ['sony-xml', 'avchd-clipinf', 'avchd-playlist', 'thm', 'lrv', 'xmp', 'canon-xml'] as const;
export type SidecarKind = (typeof SIDECAR_KINDS)[number];

/**
 * What a file's path makes it.
 * - `sidecar`: `keys` are match keys of the clip it belongs to, best first (empty for a playlist,
 *   whose clips are read from its content: see playlistKeys); `anyKind` is true when the clip may
 *   be any kind of item (XMP), false when it must be a video.
 * - `media`: any other file; `keys` are the keys a sidecar of it would carry.
 */
export type FileRole =
  | { role: 'sidecar'; kind: SidecarKind; keys: string[]; anyKind: boolean }
  | { role: 'media'; keys: string[] };

/** Extensions that mark a sidecar: such a file is never itself the clip of another sidecar. */
const SIDECAR_EXT = new Set(['xml', 'cpi', 'clpi', 'mpl', 'mpls', 'thm', 'lrv', 'xmp']);

function splitName(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? { stem: name, ext: '' } : { stem: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

/**
 * Cards are FAT/exFAT, where case does not tell names apart: keys compare case-insensitively; and
 * under Unicode NFC, since a sidecar written on macOS names "é" decomposed (NFD) while the camera
 * wrote its photo's name composed.
 */
const stemKey = (dir: string, stem: string): string => `stem:${join(dir, stem).normalize('NFC').toLowerCase()}`;
const nameKey = (dir: string, name: string): string => `name:${join(dir, name).normalize('NFC').toLowerCase()}`;

/** The STREAM folder beside a CLIPINF or PLAYLIST folder (BDMV/…), as a key prefix. */
export function streamDirOf(sidecarPath: string): string {
  return join(dirname(dirname(sidecarPath)), 'STREAM');
}

/** The match key of the clip `clipName` (e.g. "00000", as a playlist lists it) in `streamDir`. */
export function streamClipKey(streamDir: string, clipName: string): string {
  return stemKey(streamDir, clipName);
}

/**
 * The role of the file at `path` (a source path as sighted) by its name and folder; never reads
 * the file. Folder names compare case-insensitively (`CLIPINF`, `clipinf`).
 */
export function fileRole(path: string): FileRole {
  const name = basename(path);
  const dir = dirname(path);
  const folder = basename(dir).toUpperCase();
  const { stem, ext } = splitName(name);
  if (ext === 'xml') {
    const m = /^(.+)M\d{2}$/i.exec(stem);
    if (m) return { role: 'sidecar', kind: 'sony-xml', keys: [stemKey(dir, m[1]!)], anyKind: false };
    // Canon Cinema EOS: the clip's own name, "_CANON" at its end, in CONTENTS/CLIPSnnn.
    if (/_CANON$/i.test(stem) || /^CLIPS\d{3}$/.test(folder)) return { role: 'sidecar', kind: 'canon-xml', keys: [stemKey(dir, stem)], anyKind: false };
  } else if ((ext === 'cpi' || ext === 'clpi') && folder === 'CLIPINF') {
    return { role: 'sidecar', kind: 'avchd-clipinf', keys: [streamClipKey(streamDirOf(path), stem)], anyKind: false };
  } else if ((ext === 'mpl' || ext === 'mpls') && folder === 'PLAYLIST') {
    return { role: 'sidecar', kind: 'avchd-playlist', keys: [], anyKind: false };
  } else if (ext === 'thm') {
    return { role: 'sidecar', kind: 'thm', keys: [stemKey(dir, stem)], anyKind: false };
  } else if (ext === 'lrv') {
    // GoPro HERO6 and later name the proxy GL + chapter + number for a GX (HEVC) or GH (AVC) clip.
    const gp = /^GL(\d{6})$/i.exec(stem);
    const keys = [stemKey(dir, stem), ...(gp ? [stemKey(dir, `GX${gp[1]}`), stemKey(dir, `GH${gp[1]}`)] : [])];
    return { role: 'sidecar', kind: 'lrv', keys, anyKind: false };
  } else if (ext === 'xmp') {
    // "X.EXT.xmp" names its file exactly; "X.xmp" any file whose name without extension is X.
    const inner = splitName(stem);
    return { role: 'sidecar', kind: 'xmp', keys: inner.ext ? [nameKey(dir, stem), stemKey(dir, stem)] : [stemKey(dir, stem)], anyKind: true };
  }
  if (SIDECAR_EXT.has(ext)) return { role: 'media', keys: [] };
  return { role: 'media', keys: [nameKey(dir, name), stemKey(dir, stem)] };
}

/**
 * The folders whose files may pair with a file at `path`: its own, and for AVCHD the sibling
 * STREAM, CLIPINF and PLAYLIST folders (both upper- and lower-case spellings, since paths are
 * compared as stored).
 */
export function partnerDirs(path: string): string[] {
  const dir = dirname(path);
  const folder = basename(dir).toUpperCase();
  if (!['STREAM', 'CLIPINF', 'PLAYLIST'].includes(folder)) return [dir];
  const bdmv = dirname(dir);
  return [dir, ...['STREAM', 'CLIPINF', 'PLAYLIST'].flatMap((f) => [join(bdmv, f), join(bdmv, f.toLowerCase())])].filter((d, i, all) => all.indexOf(d) === i);
}

/** What a sidecar kind is called in sources and listings, e.g. "Sony XML sidecar". */
export function sidecarLabel(kind: SidecarKind): string {
  switch (kind) {
    case 'sony-xml': return 'Sony XML sidecar';
    case 'avchd-clipinf': return 'AVCHD clip information';
    case 'avchd-playlist': return 'AVCHD playlist';
    case 'thm': return 'THM thumbnail';
    case 'lrv': return 'GoPro LRV proxy';
    case 'xmp': return 'XMP sidecar';
    case 'canon-xml': return 'Canon XML sidecar';
  }
}
