// The progress line's speed and time left (progress-rate.ts), and the core's errors said in the
// user's language by the CLI (core-words.ts), from the hostile tester's report on issue 15 §4.
import { afterEach, describe, expect, it } from 'vitest';
import { errnoWords, replicaErrorWords, scopeErrorWords, syncReasonWords } from '../../electron/cli/commands/core-words.ts';
import { formatRate, RateEstimator } from '../../electron/cli/commands/progress-rate.ts';
import { progressText } from '../../electron/cli/commands/verify-lines.ts';
import { setCliLanguage } from '../../electron/cli/i18n/index.ts';
import { describeEvent } from '../../electron/core/report/words.ts';

afterEach(() => setCliLanguage('en'));

describe('progress speed and time left', () => {
  it('formats a speed with units and one decimal', () => {
    expect(formatRate(84.45945945945945)).toBe('84.5 B');
    expect(formatRate(0)).toBe('0.0 B');
    expect(formatRate(1536)).toBe('1.5 KiB');
    expect(formatRate(123.456 * 1024 * 1024)).toBe('123.5 MiB');
  });

  it('in every language: no unformatted number in the line', () => {
    for (const lang of ['en', 'ru', 'ky'] as const) {
      setCliLanguage(lang);
      const r = new RateEstimator();
      r.sample({ atMs: 0, bytesDone: 0, itemsDone: 0 });
      r.sample({ atMs: 7400, bytesDone: 625, itemsDone: 5 });
      const line = progressText({ filesDone: 5, filesTotal: 50, bytesDone: 625, bytesTotal: 265 * 1024 * 1024, currentFile: null }, r);
      expect(line).toContain('84.5 B/');
      expect(line).not.toMatch(/\d\.\d{2,}/u);
    }
  });

  it('converges on the true time left at a steady speed', () => {
    const r = new RateEstimator();
    const total = 1000 * 1024 * 1024;
    let eta: number | null = null;
    for (let s = 0; s <= 100; s++) {
      const done = s * 5 * 1024 * 1024; // 5 MiB/s, 1 item per second
      r.sample({ atMs: s * 1000, bytesDone: done, itemsDone: s });
      eta = r.secondsLeft(total - done, 200 - s);
    }
    expect(r.bytesPerSecond).toBeCloseTo(5 * 1024 * 1024, -2);
    expect(eta).toBeCloseTo(100, 0);
  });

  it('does not swing from hours to seconds when small files give way to a large one', () => {
    // 1000 small files of 10 KiB at 100 files/s (overhead-bound), then one 4 GiB file at 100 MiB/s.
    const r = new RateEstimator();
    const small = 10 * 1024;
    const big = 4 * 1024 ** 3;
    const total = 1000 * small + big;
    const etas: number[] = [];
    let t = 0;
    let bytes = 0;
    let items = 0;
    r.sample({ atMs: 0, bytesDone: 0, itemsDone: 0 });
    for (let i = 0; i < 40; i++) {
      t += 250;
      items = Math.min(1000, items + 25);
      bytes = items * small;
      r.sample({ atMs: t, bytesDone: bytes, itemsDone: items });
      etas.push(r.secondsLeft(total - bytes, 1001 - items)!);
    }
    for (let i = 0; i < 20; i++) {
      t += 250;
      bytes += 25 * 1024 * 1024;
      r.sample({ atMs: t, bytesDone: bytes, itemsDone: items });
      etas.push(r.secondsLeft(total - bytes, 1001 - items)!);
    }
    // Between two redraws a quarter of a second apart, the estimate never drops or grows by more
    // than a tenth (plus the quarter second that passed).
    for (let i = 1; i < etas.length; i++) {
      expect(etas[i]!, `sample ${i}: ${etas[i - 1]} → ${etas[i]}`).toBeLessThanOrEqual(etas[i - 1]! * 1.1 + 0.25);
      expect(etas[i]!, `sample ${i}: ${etas[i - 1]} → ${etas[i]}`).toBeGreaterThanOrEqual(etas[i - 1]! * 0.9 - 0.25);
    }
  });

  it('knows no time left before two samples, and none is left at the end', () => {
    const r = new RateEstimator();
    expect(r.secondsLeft(100, 1)).toBeNull();
    r.sample({ atMs: 0, bytesDone: 0, itemsDone: 0 });
    expect(r.secondsLeft(100, 1)).toBeNull();
    r.sample({ atMs: 1000, bytesDone: 100, itemsDone: 1 });
    expect(r.secondsLeft(0, 0)).toBe(0);
  });
});

describe('core errors in the user\'s language', () => {
  it('says ENOSPC and EROFS as a sentence with the path', () => {
    setCliLanguage('ru');
    const enospc = Object.assign(new Error("ENOSPC: no space left on device, write '/media/r1/objects/ab/cd/x'"), { code: 'ENOSPC', path: '/media/r1/objects/ab/cd/x' });
    expect(errnoWords(enospc)).toBe('диск заполнен: не удалось записать /media/r1/objects/ab/cd/x');
    expect(errnoWords({ message: "EROFS: read-only file system, mkdir '/mnt/ro/replica'" })).toBe('файловая система только для чтения: /mnt/ro/replica нельзя записать (диск смонтирован только для чтения или защищён от записи?)');
    setCliLanguage('ky');
    expect(errnoWords(Object.assign(new Error('x'), { code: 'ENOSPC' }))).toBe('диск толуп калды');
    expect(errnoWords(new Error('something else'))).toBeNull();
  });

  it('says a failed copy of a replica sync in one language', () => {
    setCliLanguage('ru');
    expect(syncReasonWords('the archive\'s own copy is missing; run `evidence repair 8` first', 8)).toBe('копия в самом архиве отсутствует; сначала выполните `evidence repair 8`');
    expect(syncReasonWords("ENOSPC: no space left on device, write '/r/x'", 8)).toBe('диск заполнен: не удалось записать /r/x');
    expect(syncReasonWords('an unforeseen reason', 8)).toBe('an unforeseen reason');
  });

  it('maps every ScopeError and ReplicaError shape it knows, and leaves others as they are', () => {
    setCliLanguage('ky');
    expect(scopeErrorWords('--older-than: "2000y" is longer than 1000 years; to check every item, leave --older-than out')).toBe('--older-than: "2000y" — 1000 жылдан узун; бардык материалдарды текшерүү үчүн --older-than көрсөтпөңүз');
    expect(replicaErrorWords('replica "r1": folder /m/r1 is not there (drive not connected, share not mounted?)')).toBe('"r1" репликасы: /m/r1 папкасы ордунда жок (диск туташкан эмес, тармактык папка туташтырылган эмес?)');
    expect(replicaErrorWords('a new message')).toBe('a new message');
  });
});

describe('custody log sentence of a replica sync', () => {
  it('a sync with failures is not "brought up to date"', () => {
    const e = { seq: 9, type: 'replication', item: null, actor: 'a', at: '2026-01-01T00:00:00Z', outcome: 'failure', detail: { action: 'replica sync', replica: 'r1', copied: 3, replaced: 0, alreadyPresent: 1, adopted: 0, failed: 2 } };
    const en = describeEvent('en', e as never);
    expect(en).toMatch(/^Replica “r1” NOT fully brought up to date: copies that could not be written: 2;/u);
    expect(en).not.toMatch(/^Replica “r1” brought up to date/u);
    expect(describeEvent('ru', e as never)).toMatch(/^Реплика «r1» обновлена НЕ полностью/u);
    const ok = { ...e, outcome: 'success', detail: { ...e.detail, failed: 0 } };
    expect(describeEvent('en', ok as never)).toMatch(/^Replica “r1” brought up to date: /u);
  });
});
