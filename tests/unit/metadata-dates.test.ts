// Date normalizers, fed with values as stored in the corpus files (see ../shared/fixtures/media/SOURCES.md).
import { describe, expect, it } from 'vitest';
import {
  bwfDateTime, exifDateTime, gpsDateTime, iptcDateTime, isoDateText, normalizeOffset,
  pdfDate, quickTimeSeconds, quickTimeUtc, timeOfDay,
} from '../../electron/core/metadata/dates.ts';

describe('exifDateTime (EXIF 2.32 DateTimeOriginal + OffsetTimeOriginal)', () => {
  it('keeps a wall time without offset as a zone-less wall time (Apple iPhone 4.jpg)', () => {
    expect(exifDateTime('2011:01:13 14:33:39')).toEqual({ value: '2011-01-13T14:33:39', hasZone: false });
  });
  it('appends OffsetTimeOriginal without shifting the clock (IMG_2927.HEIC, IMG_1361.dng)', () => {
    expect(exifDateTime('2020:05:04 18:39:11', '-04:00')).toEqual({ value: '2020-05-04T18:39:11-04:00', hasZone: true });
    expect(exifDateTime('2020:12:29 14:24:45', '-05:00')).toEqual({ value: '2020-12-29T14:24:45-05:00', hasZone: true });
    expect(exifDateTime('2021:05:04 10:15:00', '+06:00')?.value).toBe('2021-05-04T10:15:00+06:00');
  });
  it('ignores a blank or malformed offset instead of inventing one', () => {
    expect(exifDateTime('2019:09:26 16:38:00', '   :  ')).toEqual({ value: '2019-09-26T16:38:00', hasZone: false });
    expect(exifDateTime('2019:09:26 16:38:00', '+25:00')?.hasZone).toBe(false);
  });
  it('strips NUL padding and rejects empty, all-zero and impossible dates', () => {
    expect(exifDateTime('2006:04:26 00:26:14\0')?.value).toBe('2006-04-26T00:26:14');
    expect(exifDateTime('')).toBeNull(); // 67-0_length_string.jpg stores zero-length strings
    expect(exifDateTime('0000:00:00 00:00:00')).toBeNull();
    expect(exifDateTime('    :  :     :  :  ')).toBeNull();
    expect(exifDateTime('2021:02:30 10:00:00')).toBeNull();
    expect(exifDateTime(undefined)).toBeNull();
    expect(exifDateTime(new Date(0))).toBeNull(); // a revived Date would depend on the zone
  });
});

describe('normalizeOffset', () => {
  it('normalizes the offset spellings found in files', () => {
    expect(normalizeOffset('+0300')).toBe('+03:00'); // com.apple.quicktime.creationdate
    expect(normalizeOffset("-08'00'")).toBe('-08:00'); // PDF ModDate
    expect(normalizeOffset('-0400')).toBe('-04:00'); // IPTC TimeCreated
    expect(normalizeOffset('Z')).toBe('Z');
    expect(normalizeOffset('+05')).toBe('+05:00');
    expect(normalizeOffset('nonsense')).toBeNull();
  });
});

describe('isoDateText (XMP, QuickTime keys, ID3, Vorbis)', () => {
  it('normalizes the Apple creationdate offset form only (with-gps.mov)', () => {
    expect(isoDateText('2019-07-24T11:25:40+0300')).toEqual({ value: '2019-07-24T11:25:40+03:00', hasZone: true });
  });
  it('keeps fractions and zone-less XMP values as stored (Nikon D5000.jpg, IMG_2927.HEIC)', () => {
    expect(isoDateText('2011-03-12T15:36:11.00+01:00')).toEqual({ value: '2011-03-12T15:36:11.00+01:00', hasZone: true });
    expect(isoDateText('2020-05-04T18:39:11.644')).toEqual({ value: '2020-05-04T18:39:11.644', hasZone: false });
  });
  it('keeps date-only tags as dates (issue-802.mp3 TDRC, 04 Long Drive.flac DATE)', () => {
    expect(isoDateText('2013-06-14')).toEqual({ value: '2013-06-14', hasZone: false });
    expect(isoDateText('2014-07-11')?.value).toBe('2014-07-11');
    expect(isoDateText('1970-01-01')?.value).toBe('1970-01-01'); // issue-exifr-13.jpg xmp:CreateDate
    expect(isoDateText('2013')?.value).toBe('2013');
  });
  it('rejects what is not a date', () => {
    expect(isoDateText('17:54:35')).toBeNull(); // ffprobe's BWF creation_time is a time of day
    expect(isoDateText('2013-13-01')).toBeNull();
    expect(isoDateText('yesterday')).toBeNull();
  });
});

describe('QuickTime mvhd times (UTC by spec)', () => {
  it('drops the zero fraction ffprobe prints and keeps Z (FLIR Thermal.mp4)', () => {
    expect(quickTimeUtc('2021-05-16T19:27:55.000000Z')).toEqual({ value: '2021-05-16T19:27:55Z', hasZone: true });
  });
  it('treats the epoch as "never set"', () => {
    expect(quickTimeUtc('1904-01-01T00:00:00.000000Z')).toBeNull();
    expect(quickTimeUtc('1970-01-01T00:00:00.000000Z')).toBeNull();
    expect(quickTimeUtc('2021-05-16T19:27:55')).toBeNull(); // no Z: not an mvhd value
  });
  it('converts seconds since 1904 arithmetically (FLIR mvhd creation_time 0xdcc722bb)', () => {
    expect(quickTimeSeconds(0xdcc722bb)).toEqual({ value: '2021-05-16T19:27:55Z', hasZone: true });
    expect(quickTimeSeconds(0)).toBeNull();
  });
});

describe('iptcDateTime (IIM DateCreated + TimeCreated)', () => {
  it('joins date and time with the stored offset (thompson-springs.jpg, RangeError_Offset_outside_bounds.jpg)', () => {
    expect(iptcDateTime('20220110', '151544-0400')).toEqual({ value: '2022-01-10T15:15:44-04:00', hasZone: true });
    expect(iptcDateTime('20200723', '113220+0000')).toEqual({ value: '2020-07-23T11:32:20+00:00', hasZone: true });
  });
  it('returns the date alone when there is no usable time', () => {
    expect(iptcDateTime('20070815')).toEqual({ value: '2007-08-15', hasZone: false });
    expect(iptcDateTime('20070815', 'garbage')?.value).toBe('2007-08-15');
    expect(iptcDateTime('2007081')).toBeNull();
  });
});

describe('pdfDate (ISO 32000-1 §7.9.4)', () => {
  it('reads Z and apostrophe offsets (linn.pdf)', () => {
    expect(pdfDate('D:20160119123847Z')).toEqual({ value: '2016-01-19T12:38:47Z', hasZone: true });
    expect(pdfDate("D:20161107122451-08'00'")).toEqual({ value: '2016-11-07T12:24:51-08:00', hasZone: true });
  });
  it('keeps partial dates and zone-less times as stored', () => {
    expect(pdfDate('D:20160119123847')).toEqual({ value: '2016-01-19T12:38:47', hasZone: false });
    expect(pdfDate('D:2016')).toEqual({ value: '2016', hasZone: false });
    expect(pdfDate('D:20160119')).toEqual({ value: '2016-01-19', hasZone: false });
    expect(pdfDate("D:20160119123847Z00'00'")?.value).toBe('2016-01-19T12:38:47Z');
    expect(pdfDate("D:20160119123847+01'00")?.value).toBe('2016-01-19T12:38:47+01:00');
    expect(pdfDate('not a date')).toBeNull();
  });
});

describe('BWF bext and EXIF GPS clock', () => {
  it('joins bext OriginationDate and OriginationTime without a zone (STE-000.wav)', () => {
    expect(bwfDateTime('2023-11-05', '17:54:35')).toEqual({ value: '2023-11-05T17:54:35', hasZone: false });
    expect(bwfDateTime('2023:11:05', '17-54-35')?.value).toBe('2023-11-05T17:54:35');
    expect(bwfDateTime('2023-11-05', '')).toEqual({ value: '2023-11-05', hasZone: false });
  });
  it('expresses TimeReference as a time of day (3094800000 samples at 48 kHz)', () => {
    expect(timeOfDay(3094800000 / 48000)).toBe('17:54:35.000');
  });
  it('reads GPSDateStamp + GPSTimeStamp as UTC (Sony DSC-HX5V, thompson-springs.jpg)', () => {
    expect(gpsDateTime('2010:05:15', [15, 12, 7])).toEqual({ value: '2010-05-15T15:12:07Z', hasZone: true });
    expect(gpsDateTime('2022:01:10', [21, 15, 33.519])?.value).toBe('2022-01-10T21:15:33.519Z');
    expect(gpsDateTime(undefined, [14, 33, 35.62])).toBeNull(); // Apple iPhone 4.jpg has no GPSDateStamp
  });
});
