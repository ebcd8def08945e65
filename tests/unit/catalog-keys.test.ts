import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nameKey, slugify } from '../../electron/core/catalog/keys.ts';
import { boundingBox, haversineMetres } from '../../electron/core/catalog/geo.ts';

describe('nameKey: transliteration-tolerant keys', () => {
  it('gives every spelling of Kok-Tash the same key', () => {
    const spellings = ['Kok-Tash', 'Koktash', 'Көк-Таш', 'Кок-Таш', 'Кёк-Таш', 'Кек-Таш', 'Kök-Tash', 'Këk-Tash', 'Kyok-Tash', 'KOK TASH', "Kok'Tash"];
    expect(new Set(spellings.map(nameKey))).toEqual(new Set(['koktash']));
  });

  it('folds dzh/zh/j, ng/ң, y/i, kh/x, doubled letters', () => {
    expect(new Set(['Джаны-Джер', 'Жаңы-Жер', 'Jany-Jer', 'Dzhany-Dzher', 'Jangy-Jer', 'Zhany-Zher'].map(nameKey)).size).toBe(1);
    expect(nameKey('Kapchygay')).toBe(nameKey('Капчыгай'));
    expect(nameKey('Kapchigai')).toBe(nameKey('Kapchygai'));
    expect(nameKey('Ming-Bulak')).toBe(nameKey('Миң-Булак'));
    expect(nameKey('Min-Örük')).toBe(nameKey('Миң-Өрүк'));
    expect(nameKey('Vorux')).toBe(nameKey('Ворух'));
    expect(nameKey('Razzakov')).toBe(nameKey('Razakov'));
  });

  it('keeps different villages apart', () => {
    const names = ['Ak-Sai', 'Ak-Tatyr', 'Kok-Tash', 'Kochoboyu', 'Samarkandek', 'Maksat', 'Batken', 'Kara-Bak', 'Kara-Bulak', 'Dostuk', 'Arka'];
    expect(new Set(names.map(nameKey)).size).toBe(names.length);
  });

  it('returns an empty key for text without letters or digits', () => {
    expect(nameKey(' - ’ ')).toBe('');
  });

  it('slugifies Cyrillic names readably', () => {
    expect(slugify('Көк-Таш мектеби №3')).toBe('kok-tash-mektebi-no3') // NFKC turns № into "No";
    expect(slugify('Kok-Tash school')).toBe('kok-tash-school');
  });
});

describe('haversineMetres', () => {
  // An independent computation: Python's math module, same sphere radius (IUGG mean radius).
  const py = (a: number, b: number, c: number, d: number) => Number(execFileSync('python3', ['-c', `
import math
la1,lo1,la2,lo2=${a},${b},${c},${d}
R=6371008.8
p1,p2=math.radians(la1),math.radians(la2)
dp,dl=p2-p1,math.radians(lo2-lo1)
h=math.sin(dp/2)**2+math.cos(p1)*math.cos(p2)*math.sin(dl/2)**2
print(2*R*math.atan2(math.sqrt(h),math.sqrt(1-h)))`], { encoding: 'utf8' }));

  it('agrees with an independent implementation to the millimetre', () => {
    for (const [a, b, c, d] of [[39.9491, 70.52804, 39.9512, 70.5301], [40.06259, 70.81939, 39.83895, 69.5276], [0, 0, 0, 1], [-33.9, 151.2, 51.5, -0.12]]) {
      expect(Math.abs(haversineMetres(a!, b!, c!, d!) - py(a!, b!, c!, d!))).toBeLessThan(0.001);
    }
  });

  it('gives one degree of latitude as about 111.2 km and zero for the same point', () => {
    expect(haversineMetres(40, 70, 41, 70)).toBeCloseTo(111195.08, 1);
    expect(haversineMetres(39.9491, 70.52804, 39.9491, 70.52804)).toBe(0);
  });

  it('bounding box contains every point at the radius', () => {
    const b = boundingBox(40, 70, 5000);
    for (let bearing = 0; bearing < 360; bearing += 15) {
      const t = (bearing * Math.PI) / 180;
      const lat = 40 + (4999 / 111195) * Math.cos(t);
      const lon = 70 + (4999 / (111195 * Math.cos((40 * Math.PI) / 180))) * Math.sin(t);
      expect(haversineMetres(40, 70, lat, lon)).toBeLessThan(5001);
      expect(lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon).toBe(true);
    }
  });
});
