// The pure parts of telling cards apart: the volume a path lies on (recorded /proc/self/mountinfo,
// /dev/disk links, diskutil and vol output, since tests cannot mount), a card's identity from its
// folders, and the proof that a card is one a reel already recorded.
import { describe, expect, it } from 'vitest';
import { cardFromListing, cardRootOf } from '../../electron/core/reels/card.ts';
import { sameCard } from '../../electron/core/reels/assign.ts';
import { looksRemovable, mountOf, nameForDevice, parseMountInfo, parseVolOutput, plistString, udevUnescape } from '../../electron/core/reels/volume.ts';

// Recorded on an Ubuntu 22.04 laptop with an SD card (FAT32 "EOS_DIGITAL") and a USB disk whose
// label has a space ("Field Kit"), as udisks2 mounts them; the optional fields vary in number.
const MOUNTINFO = `22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
30 28 259:1 / /boot/efi rw,relatime shared:31 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077
412 28 179:1 / /media/ana/EOS_DIGITAL rw,nosuid,nodev,relatime shared:233 - vfat /dev/mmcblk0p1 rw,uid=1000,gid=1000,fmask=0022,dmask=0022,codepage=437,iocharset=iso8859-1,shortname=mixed,showexec,utf8,flush,errors=remount-ro
431 28 8:17 / /media/ana/Field\\040Kit rw,nosuid,nodev,relatime shared:245 master:12 - exfat /dev/sdb1 rw,uid=1000,gid=1000
440 28 0:55 / /home/ana/tmp rw,relatime - tmpfs tmpfs rw
bad line
`;

describe('the volume of a path (Linux)', () => {
  const entries = parseMountInfo(MOUNTINFO);

  it('reads the mount point, type and source of each line, decoding octal escapes', () => {
    expect(entries).toHaveLength(6);
    expect(entries[3]).toEqual({ mountPoint: '/media/ana/EOS_DIGITAL', fsType: 'vfat', source: '/dev/mmcblk0p1' });
    expect(entries[4]).toEqual({ mountPoint: '/media/ana/Field Kit', fsType: 'exfat', source: '/dev/sdb1' });
  });

  it('finds the mount holding a path by its longest mount point, not by a name prefix', () => {
    expect(mountOf(entries, '/media/ana/EOS_DIGITAL/DCIM/100CANON/IMG_0001.JPG')?.source).toBe('/dev/mmcblk0p1');
    expect(mountOf(entries, '/media/ana/EOS_DIGITAL')?.source).toBe('/dev/mmcblk0p1');
    expect(mountOf(entries, '/media/ana/EOS_DIGITAL2/x')?.mountPoint).toBe('/');
    expect(mountOf(entries, '/media/ana/Field Kit/PRIVATE/M4ROOT')?.fsType).toBe('exfat');
    expect(mountOf(entries, '/home/ana/tmp/card')?.fsType).toBe('tmpfs');
  });

  it('names the device by the /dev/disk/by-label and by-uuid link pointing at it', () => {
    const byLabel = new Map([['EOS_DIGITAL', '../../mmcblk0p1'], ['Field\\x20Kit', '../../sdb1'], ['ESP', '../../nvme0n1p1']]);
    const byUuid = new Map([['3A4F-1B2C', '../../mmcblk0p1'], ['64E2-0F11', '../../sdb1'], ['0c2a7c0e-3b8e-4d0e-9f5a-1f6f8a9b2c3d', '../../nvme0n1p2']]);
    expect(nameForDevice(byLabel, '/dev/disk/by-label', '/dev/mmcblk0p1')).toBe('EOS_DIGITAL');
    expect(nameForDevice(byLabel, '/dev/disk/by-label', '/dev/sdb1')).toBe('Field Kit');
    expect(nameForDevice(byUuid, '/dev/disk/by-uuid', '/dev/mmcblk0p1')).toBe('3A4F-1B2C');
    expect(nameForDevice(byLabel, '/dev/disk/by-label', '/dev/sdc1')).toBeNull();
    expect(udevUnescape('A\\x2fB\\x20C')).toBe('A/B C');
  });

  it('takes only removable media for a reel name: never the system disk', () => {
    expect(looksRemovable('/', 'ext4')).toBe(false);
    expect(looksRemovable('/', 'vfat')).toBe(false);
    expect(looksRemovable('/media/ana/EOS_DIGITAL', 'vfat')).toBe(true);
    expect(looksRemovable('/srv/card', 'exfat')).toBe(true);
    expect(looksRemovable('/home/ana/tmp', 'tmpfs')).toBe(false);
    expect(looksRemovable('/Volumes/Untitled', null)).toBe(true);
  });
});

describe('the volume of a path (macOS, Windows)', () => {
  it('reads VolumeName and VolumeUUID from diskutil info -plist', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>
      <key>FilesystemType</key><string>msdos</string>
      <key>MountPoint</key><string>/Volumes/EOS_DIGITAL</string>
      <key>VolumeName</key><string>EOS &amp; DIGITAL</string>
      <key>VolumeUUID</key><string>0E239BC6-F960-3107-89CF-1C97F78BB46B</string>
      <key>Ejectable</key><true/></dict></plist>`;
    expect(plistString(xml, 'VolumeName')).toBe('EOS & DIGITAL');
    expect(plistString(xml, 'VolumeUUID')).toBe('0E239BC6-F960-3107-89CF-1C97F78BB46B');
    expect(plistString(xml, 'DiskUUID')).toBeNull();
  });

  it('reads the label and serial number from `vol`', () => {
    expect(parseVolOutput(' Volume in drive E is EOS_DIGITAL\r\n Volume Serial Number is 3A4F-1B2C\r\n')).toEqual({ label: 'EOS_DIGITAL', uuid: '3A4F-1B2C' });
    expect(parseVolOutput(' Volume in drive E has no label.\r\n Volume Serial Number is 3A4F-1B2C\r\n')).toEqual({ label: null, uuid: '3A4F-1B2C' });
  });
});

describe("a card's own identity", () => {
  it('tells the maker from DCF folder names, and phones, Sony XAVC and AVCHD from their structures', () => {
    expect(cardFromListing(['DCIM', 'MISC'], ['100CANON', '101CANON'], [])).toEqual({ kind: 'DCF camera card', maker: 'Canon', folders: ['DCIM/100CANON', 'DCIM/101CANON', 'MISC'] });
    expect(cardFromListing(['DCIM', 'PRIVATE'], ['100MSDCF'], ['M4ROOT'])).toEqual({ kind: 'Sony XAVC card', maker: 'Sony', folders: ['PRIVATE/M4ROOT', 'DCIM/100MSDCF'] });
    expect(cardFromListing(['PRIVATE'], [], ['AVCHD'])?.kind).toBe('AVCHD card');
    expect(cardFromListing(['DCIM'], ['100GOPRO'], [])).toMatchObject({ kind: 'GoPro card', maker: 'GoPro' });
    expect(cardFromListing(['DCIM'], ['100MEDIA'], [])).toMatchObject({ kind: 'DJI drone card', maker: 'DJI' });
    expect(cardFromListing(['DCIM', 'Pictures'], ['Camera', '.thumbnails'], [])).toMatchObject({ kind: 'phone (Android)', folders: ['DCIM/Camera'] });
    expect(cardFromListing(['DCIM'], ['100APPLE'], [])).toMatchObject({ kind: 'phone (iPhone)', maker: 'Apple' });
    expect(cardFromListing(['notes.txt', 'MISC'], [], [])).toBeNull();
  });

  it('finds the card root of a path inside a card structure', () => {
    expect(cardRootOf('/media/ana/CARD/DCIM/100CANON')).toBe('/media/ana/CARD');
    expect(cardRootOf('/media/ana/CARD/PRIVATE/M4ROOT/CLIP')).toBe('/media/ana/CARD');
    expect(cardRootOf('/media/ana/CARD')).toBeNull();
    expect(cardRootOf('/home/ana/DCIM/a/b/c/d')).toBeNull();
  });
});

describe('whether a card is the one a reel recorded', () => {
  const f = (rel: string, bytes = 100, mtimeNs = '1') => ({ rel, bytes, mtimeNs });
  const reel = [f('DCIM/100CANON/IMG_0001.JPG'), f('DCIM/100CANON/IMG_0002.JPG'), f('DCIM/100CANON/IMG_0003.JPG')];

  it('is the same card read again, or shot on since, when its files match and none conflicts', () => {
    expect(sameCard(reel, reel)).toEqual({ same: true, matched: 3, conflicting: 0, shiftSeconds: 0 });
    expect(sameCard(reel, [...reel, f('DCIM/100CANON/IMG_0004.JPG'), f('DCIM/100CANON/IMG_0005.JPG'), f('DCIM/100CANON/IMG_0006.JPG'), f('DCIM/100CANON/IMG_0007.JPG')]).same).toBe(true);
  });

  it('is the same card when an interrupted ingest had recorded only part of it', () => {
    const card = Array.from({ length: 10 }, (_, i) => f(`DCIM/100CANON/IMG_${String(i + 1).padStart(4, '0')}.JPG`));
    expect(sameCard(card.slice(0, 2), card)).toEqual({ same: true, matched: 2, conflicting: 0, shiftSeconds: 0 });
  });

  it('is another card when a file at the same path has another size or time, or nothing matches', () => {
    // 5 s off: more than FAT's 2 s granularity, and no time-zone shift (f14b: within 2 s, or all moved by quarter hours, is the same time).
    expect(sameCard(reel, [f('DCIM/100CANON/IMG_0001.JPG', 100, '5000000001'), f('DCIM/100CANON/IMG_0002.JPG'), f('DCIM/100CANON/IMG_0003.JPG')])).toEqual({ same: false, matched: 2, conflicting: 1, shiftSeconds: 0 });
    expect(sameCard(reel, [f('DCIM/100CANON/IMG_0001.JPG', 101)]).same).toBe(false);
    expect(sameCard(reel, [f('DCIM/101CANON/IMG_0101.JPG')]).same).toBe(false);
    expect(sameCard([], reel).same).toBe(false);
  });
});

