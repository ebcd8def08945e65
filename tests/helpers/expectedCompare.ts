// The comparison rules of ../shared/tools/compare_expected.py, in TypeScript, so the project's own
// tests judge records exactly as the independent checker does.
import type { ExpectedEntry } from './corpus.ts';

/** The record fields compare_expected.py looks at. */
export interface ComparableRecord {
  bytes: number;
  mime: string | null;
  kind: string;
  make: string | null;
  model: string | null;
  capturedAt: string | null;
  gps: { lat: number; lon: number; alt: number | null } | null;
  orientation: number | null;
  width: number | null;
  height: number | null;
  durationSec: number | null;
}

/** Registered and legacy names of one format count as the same answer (compare_expected.py MIME_ALIAS). */
const MIME_ALIAS: Readonly<Record<string, string>> = {
  'video/vnd.avi': 'video/x-msvideo', 'video/avi': 'video/x-msvideo', 'video/msvideo': 'video/x-msvideo',
  'video/mp2t': 'video/m2ts', 'video/MP2T': 'video/m2ts', 'audio/x-wav': 'audio/wav', 'audio/vnd.wave': 'audio/wav',
};

type ParsedTime = null | ['bad', string] | ['wall', string] | ['instant', number];

/** Times with a zone compare as instants, without one as wall times, anything else as text. */
export function parseTime(s: string | null | undefined): ParsedTime {
  if (s === null || s === undefined) return null;
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(String(s));
  if (!m) return ['bad', String(s)];
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const z = m[7];
  if (!z) return ['wall', `${y}-${mo}-${d} ${h}:${mi}:${se}`];
  const off = z === 'Z' ? 0 : (z[0] === '+' ? 1 : -1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(-2)));
  return ['instant', Date.UTC(y, mo - 1, d, h, mi, se) / 1000 - off * 60];
}

export function sameTime(expected: string | null | undefined, actual: string | null | undefined): boolean {
  const e = parseTime(expected);
  const a = parseTime(actual);
  if (e === null || a === null) return e === null && a === null;
  return e[0] === a[0] && e[1] === a[1];
}

const close = (a: number | null | undefined, b: number | null | undefined, tol: number): boolean =>
  a !== null && a !== undefined && b !== null && b !== undefined && Math.abs(a - b) <= tol;

/** Returns one line per mismatching field, e.g. "gps: expected {...}, got {...}"; [] when all match. */
export function compareWithExpected(exp: ExpectedEntry, act: ComparableRecord): string[] {
  const diffs: string[] = [];
  const chk = (name: string, ok: boolean, e: unknown, a: unknown): void => {
    if (!ok) diffs.push(`${name}: expected ${JSON.stringify(e)}, got ${JSON.stringify(a)}`);
  };
  chk('bytes', exp.bytes === act.bytes, exp.bytes, act.bytes);
  chk('kind', exp.kind === act.kind, exp.kind, act.kind);
  if (exp.kind === 'other') chk('mime', !/^(image|video|audio)\//.test(act.mime ?? ''), exp.mime, act.mime);
  else {
    const alias = (m: string | null | undefined): string | null | undefined => (m ? (MIME_ALIAS[m] ?? m) : m);
    chk('mime', [exp.mime, exp.mimeSniffedByFile].map(alias).includes(alias(act.mime)), exp.mime, act.mime);
  }
  for (const f of ['make', 'model'] as const) {
    const e = exp[f] || null;
    const a = (typeof act[f] === 'string' ? act[f]!.trim() : act[f]) || null;
    chk(f, e === a, exp[f], act[f]);
  }
  chk('capturedAt', sameTime(exp.capturedAt, act.capturedAt), exp.capturedAt, act.capturedAt);
  const eg = exp.gps;
  const ag = act.gps;
  if (eg === null) chk('gps', ag === null, eg, ag);
  else if (eg.lat === 0 && eg.lon === 0) chk('gps', ag === null || (close(ag.lat, 0, 1e-6) && close(ag.lon, 0, 1e-6)), eg, ag);
  else {
    let ok = ag !== null && close(ag.lat, eg.lat, 2e-6) && close(ag.lon, eg.lon, 2e-6);
    if (ok && eg.alt !== undefined && eg.alt !== null) ok = close(ag!.alt, eg.alt, 0.01);
    chk('gps', ok, eg, ag);
  }
  chk('orientation', exp.orientation === act.orientation, exp.orientation, act.orientation);
  chk('width', exp.width === act.width, exp.width, act.width);
  chk('height', exp.height === act.height, exp.height, act.height);
  if (exp.kind === 'video' || exp.kind === 'audio') chk('durationSec', close(act.durationSec, exp.durationSec, 0.02), exp.durationSec, act.durationSec);
  return diffs;
}
