// Which hidden and system entries on a card are really the operating system's own files, judged
// by what they are (a regular file, its first bytes, its size), never by their name alone: a
// FOLDER named `.DS_Store`, or a JPEG named `Thumbs.db`, is someone's content (issue 14, D4).
// Trash folders (`.Trashes`, `$RECYCLE.BIN`, `.Trash-1000`) hold files deleted on the card but
// still there: in a human-rights case deleted footage matters, so they are never "OS clutter".
// The walk (walk.ts) uses this to decide what ingest skips; compare (reels/compare.ts) to decide
// what may be left on a card that is about to be formatted.
import { closeSync, constants, openSync, readSync } from 'node:fs';

/** How a file the walk does not ingest stands: the OS's own file, a deleted one, or a hidden one. */
export type HeldKind =
  /** Verified by type and content as a file the OS writes (Finder settings, AppleDouble, thumbnail cache…): not evidence. */
  | 'os'
  /** Inside a trash folder: deleted on the card but still there. */
  | 'trash'
  /** A hidden file, or a file inside a hidden or system folder, that is not verified as the OS's own. */
  | 'hidden';

/** The walk's verdict on a file it does not ingest, with the reason in words. */
export interface HeldVerdict {
  kind: HeldKind;
  reason: string;
}

/** Where in a card's special folders a file lies: the trash folder holding it, and the innermost hidden or system folder. */
export interface FolderContext {
  /** Name of the trash folder (`.Trashes`, `$RECYCLE.BIN`, `.Trash-1000`…) above the file, if any. */
  trash?: string;
  /** The innermost special folder above the file, by kind, with its name. */
  zone?: { kind: 'spotlight' | 'fseventsd' | 'svi' | 'hidden'; name: string };
}

const TRASH = /^(?:\.trashes|\$recycle\.bin|recycler|recycled|\.trash|\.trash-\d+)$/iu;

/**
 * The context for the entries of folder `name`, entered from `outer`; null when `name` is an
 * ordinary folder entered from an ordinary context (walked and ingested as usual). Trash:
 * `.Trashes` (macOS), `$RECYCLE.BIN`/`RECYCLER`/`RECYCLED` (Windows), `.Trash`/`.Trash-<uid>`
 * (freedesktop.org Trash spec). Hidden: any name starting with ".".
 */
export function enterFolder(name: string, outer: FolderContext | null): FolderContext | null {
  const n = name.toLowerCase();
  const ctx: FolderContext = { ...(outer ?? {}) };
  if (TRASH.test(n)) ctx.trash ??= name;
  else if (n === '.spotlight-v100') ctx.zone = { kind: 'spotlight', name };
  else if (n === '.fseventsd') ctx.zone = { kind: 'fseventsd', name };
  else if (n === 'system volume information') ctx.zone = { kind: 'svi', name };
  else if (n.startsWith('.')) ctx.zone = { kind: 'hidden', name };
  return ctx.trash || ctx.zone ? ctx : null;
}

/** Up to `n` first bytes of the regular file at `raw`, opened without following a link; null when it cannot be read. */
function head(raw: Buffer, n: number): Buffer | null {
  let fd: number;
  try {
    fd = openSync(raw, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const b = Buffer.alloc(n);
    const got = readSync(fd, b, 0, n, 0);
    return b.subarray(0, got);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

const startsWith = (b: Buffer | null, hex: string) => b !== null && b.subarray(0, hex.length / 2).equals(Buffer.from(hex, 'hex'));

/** True when `b` reads as text: UTF-16LE with its BOM, or bytes with no NUL and no control characters but tab, CR, LF. */
function isText(b: Buffer): boolean {
  if (startsWith(b, 'fffe')) return true;
  for (const c of b) if (c === 0 || (c < 0x20 && c !== 9 && c !== 10 && c !== 13)) return false;
  return true;
}

// First bytes of media and document formats: a file in the Spotlight index that starts like one of these is not the index's.
const MEDIA_MAGIC = ['ffd8ff', '89504e47', '47494638', '49492a00', '4d4d002a', '52494646', '25504446', '504b0304', '1a45dfa3', '494433', '4f676753', '000001ba', '3026b275'];
function looksLikeContent(b: Buffer | null): boolean {
  if (!b) return true;
  if (MEDIA_MAGIC.some((m) => startsWith(b, m))) return true;
  // ISO BMFF (MP4, MOV, HEIC, CR3, 3GP): a box type `ftyp`, `moov`, `mdat`, `wide` or `free` at offset 4.
  const box = b.subarray(4, 8).toString('latin1');
  if (['ftyp', 'moov', 'mdat', 'wide', 'free'].includes(box)) return true;
  // MPEG transport stream (.MTS with its 4-byte timecode, or plain .ts): sync byte 0x47 every 188/192 bytes.
  return (b.length > 196 && b[4] === 0x47 && b[196] === 0x47) || (b.length > 188 && b[0] === 0x47 && b[188] === 0x47);
}

/**
 * A file with an OS file's name whose type and content confirm it, as its reason; null otherwise.
 * `.DS_Store` (Finder: "\0\0\0\x01Bud1"), `._name` (AppleDouble: 0x00051607), `Thumbs.db`/`ehthumbs.db`
 * (OLE compound file D0CF11E0A1B11AE1), `desktop.ini` (text, at most 64 KiB), `Icon\r`, `.metadata_never_index*`
 * and `.nomedia` (empty), `.VolumeIcon.icns` ("icns").
 */
export function verifiedOsFile(raw: Buffer, name: string, bytes: number): string | null {
  const n = name.toLowerCase();
  if (n === '.ds_store') return startsWith(head(raw, 8), '0000000142756431') ? 'macOS Finder settings (.DS_Store, Bud1 format)' : null;
  if (n.startsWith('._')) return startsWith(head(raw, 4), '00051607') ? 'macOS AppleDouble metadata of its sibling (._*, magic 0x00051607)' : null;
  if (n === 'thumbs.db' || n === 'ehthumbs.db') return startsWith(head(raw, 8), 'd0cf11e0a1b11ae1') ? `Windows thumbnail cache (${name}, OLE compound file)` : null;
  if (n === 'desktop.ini') {
    const b = bytes <= 64 * 1024 ? head(raw, bytes) : null;
    return b && isText(b) ? 'Windows folder settings (desktop.ini, text)' : null;
  }
  if (n === 'icon\r' || n === '.metadata_never_index' || n === '.metadata_never_index_unless_rootfs' || n === '.nomedia') {
    return bytes === 0 ? `empty marker file the OS writes (${JSON.stringify(name).slice(1, -1)})` : null;
  }
  if (n === '.volumeicon.icns') return startsWith(head(raw, 4), '69636e73') ? 'macOS volume icon (.VolumeIcon.icns)' : null;
  return null;
}

// Windows' own files in System Volume Information, with the largest size each is known to have.
const SVI_FILES: Record<string, number> = { indexervolumeguid: 1024, 'wpsettings.dat': 64, mountpointmanagerremotedatabase: 4096, 'tracking.log': 64 * 1024 };

/**
 * The walk's verdict on the regular file `raw` (name `name`, `bytes` long) in folder context `ctx`:
 * null when it is an ordinary file to ingest. In order: a verified OS file (verifiedOsFile) is `os`
 * wherever it is; anything else in a trash folder is `trash`; in `.Spotlight-V100` a file is `os`
 * unless its first bytes are those of a media or document format; in `.fseventsd` only
 * `fseventsd-uuid` (small text) and 16-hex-digit gzip logs are `os`; in `System Volume Information`
 * only IndexerVolumeGuid, WPSettings.dat, MountPointManagerRemoteDatabase and tracking.log within
 * their known sizes are; everything else in a hidden folder, and any other dot-file, is `hidden`.
 * A file named like an OS file but failing the check is judged like any other file of that name.
 */
export function judgeFile(raw: Buffer, name: string, bytes: number, ctx: FolderContext | null): HeldVerdict | null {
  const os = verifiedOsFile(raw, name, bytes);
  if (os) return { kind: 'os', reason: `operating-system file: ${os}` };
  if (ctx?.trash) return { kind: 'trash', reason: `in the card's trash (${ctx.trash}): deleted on the card but still there` };
  const zone = ctx?.zone;
  if (zone?.kind === 'spotlight') {
    return looksLikeContent(head(raw, 256)) ? { kind: 'hidden', reason: `inside ${zone.name}, but its content is not Spotlight's index (it reads as a media or document file)` }
      : { kind: 'os', reason: `operating-system file: macOS Spotlight index (${zone.name})` };
  }
  if (zone?.kind === 'fseventsd') {
    const n = name.toLowerCase();
    const ok = (n === 'fseventsd-uuid' && bytes <= 64 && isText(head(raw, 64) ?? Buffer.from([0]))) || (/^[0-9a-f]{16}$/u.test(n) && startsWith(head(raw, 2), '1f8b'));
    return ok ? { kind: 'os', reason: `operating-system file: macOS file-system event log (${zone.name})` }
      : { kind: 'hidden', reason: `inside ${zone.name}, but not one of its event logs` };
  }
  if (zone?.kind === 'svi') {
    const max = SVI_FILES[name.toLowerCase()];
    return max !== undefined && bytes <= max ? { kind: 'os', reason: `operating-system file: Windows volume record (${zone.name}/${name})` }
      : { kind: 'hidden', reason: `inside ${zone.name}, but not one of the files Windows keeps there` };
  }
  if (zone) return { kind: 'hidden', reason: `inside hidden folder ${zone.name}` };
  if (name.startsWith('.')) return { kind: 'hidden', reason: name.startsWith('._') ? 'hidden file (named like AppleDouble metadata, but it is not)' : 'hidden file' };
  return null;
}
