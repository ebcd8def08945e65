// The volume a path lies on, and its label and file-system UUID when the OS gives them: what names
// a reel when the user gave no --reel. Each OS is asked its own way (Linux: /proc/self/mountinfo
// and the /dev/disk/by-label and by-uuid links udev keeps; macOS: `diskutil info -plist`;
// Windows: `vol`). The parsing is in pure functions, tested on recorded text, because tests
// cannot mount a card; the OS calls are small and never throw: a volume that cannot be told is
// null, and the reel is then named after its top folder.
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** One line of /proc/self/mountinfo (proc(5)), the fields a reel needs. */
export interface MountEntry {
  /** Where it is mounted, octal escapes (`\040` for a space) decoded. */
  mountPoint: string;
  /** File system type, e.g. "vfat", "exfat", "ext4". */
  fsType: string;
  /** Mount source, e.g. "/dev/sdb1". */
  source: string;
}

/** What the OS says of the volume a path lies on. */
export interface VolumeInfo {
  mountPoint: string;
  /** Volume label ("EOS_DIGITAL", "Untitled"), or null when it has none or the OS does not say. */
  label: string | null;
  /** File-system UUID or serial ("3A4F-1B2C" on FAT), or null. */
  uuid: string | null;
  fsType: string | null;
  /**
   * True when the volume looks like removable media rather than the computer's own disk: only
   * then does its label or UUID name a reel (a folder on the system disk is named after itself).
   */
  removable: boolean;
}

const unOctal = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * Parses /proc/self/mountinfo text (proc(5): "id parent major:minor root mountpoint options
 * [optional fields…] - fstype source superoptions"). Malformed lines are left out.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(' ');
    const dash = f.indexOf('-');
    if (f.length < 10 || dash < 6 || dash + 2 >= f.length) continue;
    out.push({ mountPoint: unOctal(f[4]!), fsType: f[dash + 1]!, source: unOctal(f[dash + 2]!) });
  }
  return out;
}

/** The mount holding absolute path `path`: the one with the longest mount point that contains it (the last mounted when two are equal). */
export function mountOf(entries: readonly MountEntry[], path: string): MountEntry | null {
  let best: MountEntry | null = null;
  for (const e of entries) {
    const mp = e.mountPoint;
    const inside = mp === '/' || path === mp || path.startsWith(mp.endsWith('/') ? mp : `${mp}/`);
    if (inside && (!best || mp.length >= best.mountPoint.length)) best = e;
  }
  return best;
}

/** Decodes udev's escaping of names in /dev/disk/by-label (`\x20` for a space, `\x2f` for '/'). */
export function udevUnescape(name: string): string {
  return name.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/**
 * The label or UUID of `device` (e.g. "/dev/sdb1") from the links of one /dev/disk/by-* folder:
 * `links` maps each link's name to its target as readlink gives it ("../../sdb1"), resolved
 * against `dir`. Returns the unescaped name of the link pointing at the device, or null.
 */
export function nameForDevice(links: ReadonlyMap<string, string>, dir: string, device: string): string | null {
  for (const [name, target] of links) if (resolve(dir, target) === device) return udevUnescape(name);
  return null;
}

// File systems cameras and phones write, and those of disks people carry cards' copies on.
const CARD_FS = new Set(['vfat', 'msdos', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'hfsplus', 'hfs', 'apfs', 'udf', 'iso9660']);
const REMOVABLE_ROOTS = ['/media/', '/run/media/', '/mnt/', '/Volumes/'];

/** True when a mount looks like removable media: under /media, /run/media, /mnt or /Volumes, or a card file system (FAT, exFAT, …) other than "/". */
export function looksRemovable(mountPoint: string, fsType: string | null): boolean {
  if (mountPoint === '/') return false;
  return REMOVABLE_ROOTS.some((r) => mountPoint.startsWith(r)) || (fsType !== null && CARD_FS.has(fsType));
}

async function links(dir: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  try {
    for (const n of await readdir(dir)) m.set(n, await readlink(`${dir}/${n}`).catch(() => ''));
  } catch {
    // No such folder (a container, no udev): no names.
  }
  return m;
}

/** Linux: the mount from /proc/self/mountinfo, label and UUID from /dev/disk/by-label and by-uuid. */
async function linuxVolume(path: string): Promise<VolumeInfo | null> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => null);
  if (text === null) return null;
  const m = mountOf(parseMountInfo(text), path);
  if (!m) return null;
  const device = m.source.startsWith('/dev/') ? await realpath(m.source).catch(() => m.source) : null;
  const label = device ? nameForDevice(await links('/dev/disk/by-label'), '/dev/disk/by-label', device) : null;
  const uuid = device ? nameForDevice(await links('/dev/disk/by-uuid'), '/dev/disk/by-uuid', device) : null;
  return { mountPoint: m.mountPoint, label, uuid, fsType: m.fsType, removable: looksRemovable(m.mountPoint, m.fsType) };
}

/** The value of `<key>K</key><string>V</string>` in `diskutil info -plist` output, or null. */
export function plistString(xml: string, key: string): string | null {
  const m = new RegExp(`<key>${key}</key>\\s*<string>([^<]*)</string>`).exec(xml);
  if (!m) return null;
  const v = m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return v === '' ? null : v;
}

/** Label and serial from the output of Windows `vol X:` ("Volume in drive E is EOS_DIGITAL", "Volume Serial Number is 1234-ABCD"). */
export function parseVolOutput(text: string): { label: string | null; uuid: string | null } {
  const label = /Volume in drive \S+ is (.+)$/m.exec(text)?.[1]?.trim() ?? null;
  const uuid = /Serial Number is ([0-9A-F]{4}-[0-9A-F]{4})/im.exec(text)?.[1] ?? null;
  return { label, uuid };
}

const run = (cmd: string, args: string[]): Promise<string | null> =>
  new Promise((res) => execFile(cmd, args, { timeout: 5000, windowsHide: true }, (e, out) => res(e ? null : out)));

/** The highest folder above `path` on the same device: the mount point, found without asking the OS (macOS, Windows). */
async function mountRoot(path: string): Promise<string> {
  let cur = path;
  const dev = (await stat(cur)).dev;
  for (;;) {
    const up = dirname(cur);
    if (up === cur) return cur;
    const st = await stat(up).catch(() => null);
    if (!st || st.dev !== dev) return cur;
    cur = up;
  }
}

async function macVolume(path: string): Promise<VolumeInfo | null> {
  const mp = await mountRoot(path);
  const xml = await run('diskutil', ['info', '-plist', mp]);
  if (!xml) return null;
  const fsType = plistString(xml, 'FilesystemType');
  const removable = /<key>(Removable|Ejectable)<\/key>\s*<true\/>/.test(xml) || mp.startsWith('/Volumes/');
  return { mountPoint: mp, label: plistString(xml, 'VolumeName'), uuid: plistString(xml, 'VolumeUUID'), fsType, removable };
}

async function windowsVolume(path: string): Promise<VolumeInfo | null> {
  const drive = /^[A-Za-z]:/.exec(path)?.[0];
  if (!drive) return null;
  const out = await run('cmd.exe', ['/d', '/c', 'vol', drive]);
  if (!out) return null;
  const { label, uuid } = parseVolOutput(out);
  const system = (process.env.SystemDrive ?? 'C:').toUpperCase();
  return { mountPoint: `${drive.toUpperCase()}\\`, label, uuid, fsType: null, removable: drive.toUpperCase() !== system };
}

/**
 * The volume absolute path `path` lies on, asked of this OS; null when the OS gives nothing (no
 * /proc, no diskutil, a path with no drive). Never throws.
 */
export async function volumeOf(path: string): Promise<VolumeInfo | null> {
  try {
    if (process.platform === 'linux') return await linuxVolume(path);
    if (process.platform === 'darwin') return await macVolume(path);
    if (process.platform === 'win32') return await windowsVolume(path);
  } catch {
    // An OS that will not say is the same as one that has nothing to say.
  }
  return null;
}
