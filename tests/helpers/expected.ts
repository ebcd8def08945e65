import type { ExpectedEntry } from './corpus.ts';

// The comparison rules of ../shared/tools/compare_expected.py, so a test failure names the field.

function parseTime(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  const m = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$/.exec(s);
  if (!m) return `bad:${s}`;
  const [, y, mo, d, h = '00', mi = '00', se = '00', z] = m;
  if (!z) return `wall:${y}-${mo}-${d}T${h}:${mi}:${se}`;
  const off = z === 'Z' ? 0 : (z[0] === '+' ? 1 : -1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(-2)));
  return `instant:${Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +se) - off * 60000}`;
}

const close = (a: unknown, b: unknown, tol: number) => typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) <= tol;

/** Field-by-field differences between an expected.json entry and a normalized record (empty = match). */
export function diffRecord(exp: ExpectedEntry, act: Record<string, unknown>): string[] {
  const out: string[] = [];
  const chk = (name: string, ok: boolean) => {
    if (!ok) out.push(`${name}: expected ${JSON.stringify(exp[name])}, got ${JSON.stringify(act[name])}`);
  };
  chk('bytes', exp.bytes === act.bytes);
  chk('kind', exp.kind === act.kind);
  if (exp.kind === 'other') chk('mime', !/^(image|video|audio)\//.test(String(act.mime ?? '')));
  else chk('mime', act.mime === exp.mime || act.mime === exp.mimeSniffedByFile);
  for (const f of ['make', 'model'] as const) {
    const av = typeof act[f] === 'string' ? (act[f] as string).trim() : act[f];
    chk(f, (exp[f] || null) === (av || null));
  }
  chk('capturedAt', parseTime(exp.capturedAt) === parseTime(act.capturedAt as string | null));
  const eg = exp.gps;
  const ag = act.gps as { lat: number; lon: number; alt: number | null } | null;
  if (eg === null) chk('gps', ag === null);
  else if (eg.lat === 0 && eg.lon === 0) chk('gps', ag === null || (close(ag.lat, 0, 1e-6) && close(ag.lon, 0, 1e-6)));
  else {
    let ok = ag !== null && close(ag.lat, eg.lat, 2e-6) && close(ag.lon, eg.lon, 2e-6);
    if (ok && eg.alt !== undefined && eg.alt !== null) ok = close(ag!.alt, eg.alt, 0.01);
    chk('gps', ok);
  }
  chk('orientation', exp.orientation === act.orientation);
  chk('width', exp.width === act.width);
  chk('height', exp.height === act.height);
  if (exp.kind === 'video' || exp.kind === 'audio') chk('durationSec', close(act.durationSec, exp.durationSec, 0.02));
  return out;
}
