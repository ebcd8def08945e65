// GPS normalizers, fed with values as stored in the corpus files (see ../shared/fixtures/media/SOURCES.md).
import { describe, expect, it } from 'vitest';
import { parseMoov } from '../../electron/core/metadata/bmff.ts';
import {
  altitudeWithRef, dmsToDegrees, finalizeGps, parseIso6709, parseXmpCoordinate, parseXmpRational, positionFromExifGps,
} from '../../electron/core/metadata/gps.ts';

describe('EXIF GPS IFD', () => {
  it('converts degrees/minutes/seconds with N/E refs (Sony DSC-HX5V (2).jpg)', () => {
    const pos = positionFromExifGps({
      GPSLatitudeRef: 'N', GPSLatitude: [51, 46, 43.014], GPSLongitudeRef: 'E', GPSLongitude: [8, 21, 56.297],
      GPSAltitudeRef: new Uint8Array([0]), GPSAltitude: 93.3,
    });
    expect(pos?.lat).toBeCloseTo(51.778615, 6);
    expect(pos?.lon).toBeCloseTo(8.365638, 6);
    expect(pos?.alt).toBe(93.3);
  });
  it('makes west negative (Apple iPhone 5.jpg) and south negative', () => {
    const pos = positionFromExifGps({ GPSLatitudeRef: 'N', GPSLatitude: [47, 37.63, 0], GPSLongitudeRef: 'W', GPSLongitude: [122, 20.24, 0] });
    expect(pos?.lat).toBeCloseTo(47.627167, 6);
    expect(pos?.lon).toBeCloseTo(-122.337333, 6);
    expect(positionFromExifGps({ GPSLatitudeRef: 'S', GPSLatitude: [33, 51, 0], GPSLongitudeRef: 'E', GPSLongitude: [151, 12, 0] })?.lat).toBeCloseTo(-33.85, 6);
  });
  it('treats an empty GPS IFD as no position, not 0,0 (empty_gps.jpg, Nikon D5000.jpg)', () => {
    const problems: string[] = [];
    expect(positionFromExifGps({ GPSLatitude: [null, null, null], GPSLongitude: [null, null, null] }, problems)).toBeNull();
    expect(problems).toHaveLength(1);
    expect(positionFromExifGps({ GPSLatitudeRef: 'N', GPSLatitude: [48, 53.32358, null], GPSLongitudeRef: 'E', GPSLongitude: [21, 2.59507, null] })).toBeNull();
    expect(positionFromExifGps({ GPSVersionID: [2, 2, 0, 0] })).toBeNull(); // Olympus μ: version only
    expect(positionFromExifGps(null)).toBeNull();
  });
  it('refuses coordinates whose hemisphere is unknown', () => {
    const problems: string[] = [];
    expect(positionFromExifGps({ GPSLatitude: [51, 1, 30], GPSLongitude: [7, 35, 31] }, problems)).toBeNull();
    expect(problems[0]).toMatch(/hemisphere/);
  });
  it('applies GPSAltitudeRef 1 as below sea level', () => {
    expect(altitudeWithRef(23.044, new Uint8Array([1]))).toBe(-23.044);
    expect(altitudeWithRef(340, new Uint8Array([0]))).toBe(340); // 67-0_length_string.jpg
    expect(altitudeWithRef(12, 1)).toBe(-12);
    expect(altitudeWithRef(undefined, 0)).toBeNull();
  });
  it('rejects malformed DMS arrays', () => {
    expect(dmsToDegrees([50, 17, 58.57])).toBeCloseTo(50.299603, 6); // IMG_20180725_163423-tiny.jpg
    expect(dmsToDegrees([])).toBeNull();
    expect(dmsToDegrees([10, -1, 0])).toBeNull();
    expect(dmsToDegrees('51,1,30')).toBeNull();
  });
});

describe('XMP exif:GPSLatitude fallback (Nikon D5000.jpg)', () => {
  it('reads the DDD,MM.mmk form and the rational altitude', () => {
    expect(parseXmpCoordinate('48,53.323582N')).toBeCloseTo(48.888726, 6);
    expect(parseXmpCoordinate('21,2.595070E')).toBeCloseTo(21.043251, 6);
    expect(parseXmpCoordinate('118,15,15.48W')).toBeCloseTo(-118.2543, 4);
    expect(parseXmpRational('324145/1000')).toBe(324.145);
    expect(parseXmpCoordinate('48.8887')).toBeNull(); // no hemisphere letter
    expect(parseXmpRational('1/0')).toBeNull();
  });
});

describe('ISO 6709 Annex H (QuickTime/MP4 location tags)', () => {
  it('reads Apple ISO6709 with altitude (with-gps.mov)', () => {
    expect(parseIso6709('+32.0929+034.8620+028.516/')).toEqual({ lat: 32.0929, lon: 34.862, alt: 28.516 });
  });
  it('reads ©xyz without altitude (max-heromode.mp4) and the null island (ftyp3gp5.mp4)', () => {
    expect(parseIso6709('+33.1268-117.3273/')).toEqual({ lat: 33.1268, lon: -117.3273, alt: null });
    expect(parseIso6709('+00.0000+000.0000/')).toEqual({ lat: 0, lon: 0, alt: null });
  });
  it('reads the degree-minute and degree-minute-second forms', () => {
    const dm = parseIso6709('+4044.55-07400.33/');
    expect(dm?.lat).toBeCloseTo(40 + 44.55 / 60, 9);
    expect(dm?.lon).toBeCloseTo(-(74 + 0.33 / 60), 9);
    const dms = parseIso6709('+404430.5-0740020.0+10CRSWGS_84/');
    expect(dms?.lat).toBeCloseTo(40 + 44 / 60 + 30.5 / 3600, 9);
    expect(dms?.alt).toBe(10);
  });
  it('rejects malformed or out-of-range strings', () => {
    expect(parseIso6709('32.0929,34.862')).toBeNull();
    expect(parseIso6709('+95.0000+010.0000/')).toBeNull();
    expect(parseIso6709(undefined)).toBeNull();
  });
});

describe('3GPP loci box (FLIR Thermal.mp4)', () => {
  it('decodes signed 16.16 fixed point to the format resolution (5 decimals)', () => {
    // moov > udta > loci exactly as stored in the FLIR file.
    const loci = Buffer.from('00000023' + '6c6f6369' + '00000000' + '55c4' + '00' + '00' + 'ff89bee6' + '0022134d' + '00000000' + '656172746800' + '00', 'hex');
    const udta = Buffer.concat([Buffer.from('0000002b75647461', 'hex'), loci]);
    const info = parseMoov(udta, 0, udta.length);
    expect(info.loci).toEqual({ lat: 34.07539, lon: -118.2543, alt: 0, name: '' });
  });
});

describe('finalizeGps', () => {
  it('keeps exactly 0,0 as stored but flags it as no fix (ftyp3gp5.mp4)', () => {
    const warnings: string[] = [];
    expect(finalizeGps({ lat: 0, lon: 0, alt: null }, 'QuickTime udta ©xyz', warnings)).toEqual({
      lat: 0, lon: 0, alt: null, source: 'QuickTime udta ©xyz', noFix: true,
    });
    expect(warnings[0]).toMatch(/no-fix/);
  });
  it('drops out-of-range positions with a warning', () => {
    const warnings: string[] = [];
    expect(finalizeGps({ lat: 91, lon: 0, alt: null }, 'EXIF GPS IFD', warnings)).toBeNull();
    expect(warnings).toHaveLength(1);
  });
  it('passes a normal fix through without noFix', () => {
    const gps = finalizeGps({ lat: 39.051344, lon: -94.288772, alt: 260.561 }, 'EXIF GPS IFD', []);
    expect(gps).toEqual({ lat: 39.051344, lon: -94.288772, alt: 260.561, source: 'EXIF GPS IFD' });
  });
});
