// What a `fixity check` of a file on a CARD against its source hash list (ASC MHL, MHL v1.1;
// core/mhl/ingest-check.ts, detail.scope "source hash list") said, as facts every reader words
// alike: the CLI's `evidence log`, the custody report and the desktop's timeline. Such a check is
// about the card, never the archive's stored copy: a file missing here is missing from the card.
// Plain data: runs in the renderer too (no node:*, imports nothing of ours).

/** The scope a source hash list's fixity check records (core/mhl/ingest-check.ts). */
export const SOURCE_HASH_LIST_SCOPE = 'source hash list';

/**
 * One source hash-list check in facts: `verdict` is `pass` (the card's file matches the list),
 * `missing` (listed, not on the card), `altered` (on the card, changed since the list was
 * written), `invalid` (an entry that cannot be read safely: outside the card, absolute), `rejected`
 * (the hash list itself could not be read), `summary` (many missing/invalid entries in one event).
 * `entry` is the file's path as the list gives it; `list` the hash list's file name; `algs` the
 * list's formats ("MD5, xxh64"); `differences` the formats that differed with their values
 * ("xxh64 expected …, found …") and the size; `reason` why a list was rejected; `missing`/`invalid`
 * counts of a summary event.
 */
export interface SourceListFacts {
  verdict: 'pass' | 'missing' | 'altered' | 'invalid' | 'rejected' | 'summary';
  entry: string;
  list: string;
  algs: string;
  differences: string[];
  reason: string;
  missing: number;
  invalid: number;
}

const ALG: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', c4: 'C4' };
const algName = (a: string) => ALG[a] ?? a;

/** True when custody event `e` is a check of a card's file against its source hash list. */
export const isSourceListCheck = (e: { type: string; detail: Record<string, unknown> }): boolean =>
  e.type === 'fixity check' && e.detail.scope === SOURCE_HASH_LIST_SCOPE;

/** The facts of a source hash-list check `e` (see SourceListFacts), or null for any other event. */
export function sourceListFacts(e: { type: string; detail: Record<string, unknown> }): SourceListFacts | null {
  if (!isSourceListCheck(e)) return null;
  const x = e.detail;
  const hl = (x.hashList ?? {}) as Record<string, unknown>;
  const file = typeof hl.file === 'string' ? hl.file : '';
  const list = file.slice(file.lastIndexOf('/') + 1) || (typeof hl.folder === 'string' ? hl.folder : '?');
  const algs = Array.isArray(x.algorithms) ? x.algorithms.map((a) => algName(String(a))).join(', ') : '';
  const f = (x.finding ?? {}) as { kind?: unknown; expected?: Record<string, string>; found?: Record<string, string>; expectedBytes?: number; foundBytes?: number; missing?: number; invalid?: number };
  const differences: string[] = [];
  for (const [alg, v] of Object.entries(f.expected ?? {})) {
    const got = f.found?.[alg];
    if (got !== v) differences.push(`${algName(alg)} expected ${v}, found ${got ?? '—'}`);
  }
  if (typeof f.expectedBytes === 'number' && typeof f.foundBytes === 'number' && f.expectedBytes !== f.foundBytes) differences.push(`size expected ${f.expectedBytes} bytes, found ${f.foundBytes}`);
  const kind = f.kind;
  const verdict: SourceListFacts['verdict'] = x.outcome === 'pass' ? 'pass'
    : kind === 'missing' ? 'missing' : kind === 'invalid-entry' ? 'invalid' : kind === 'unreadable-list' ? 'rejected' : kind === 'summary' ? 'summary' : 'altered';
  return {
    verdict, entry: typeof x.entry === 'string' ? x.entry : '', list, algs, differences,
    reason: typeof x.reason === 'string' ? x.reason : '',
    missing: typeof f.missing === 'number' ? f.missing : 0, invalid: typeof f.invalid === 'number' ? f.invalid : 0,
  };
}
