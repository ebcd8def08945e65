// What a `fixity check` custody event found, for the CLI's `show` and the desktop's Item screen
// alike (so a failed check never reads like a passing one anywhere). Plain data: runs in the
// renderer too (no node:*, imports nothing of ours).

/** How a fixity check of one object failed. */
export type FixityFindingKind = 'altered' | 'missing' | 'unreadable' | 'catalog' | 'unrecorded-change';

/**
 * What a failed fixity check of one object found. `object` is the object's path relative to the
 * archive folder ("objects/sha256/ab/cd/<sha256>"), absent when an older event gave only an
 * absolute path. For `altered` (content differs) and `catalog` (SHA-256 matches, another digest
 * the catalog holds does not): `expected`/`found` map each algorithm that differed ("sha256",
 * "md5", "sha1") to lowercase hex, and `expectedBytes`/`foundBytes` give sizes that differed.
 * For `unreadable`: `error`, the reading error (paths in it archive-relative).
 */
export interface FixityFinding {
  kind: FixityFindingKind;
  object?: string;
  expected?: Record<string, string>;
  found?: Record<string, string>;
  expectedBytes?: number;
  foundBytes?: number;
  error?: string;
  /**
   * For `unrecorded-change` (the object passes again, but its last check failed and no `recovery`
   * event was recorded since: it was replaced outside the archive): that check's outcome, time and
   * custody row.
   */
  previous?: 'altered' | 'missing' | 'unreadable';
  previousCheckedAt?: string;
  previousSeq?: number;
  /**
   * For `missing`: something other than a regular file stands at the object's address (never
   * followed: the archive does not hold the file), and for a symbolic link where it points.
   */
  notAFile?: 'symbolic link' | 'folder' | 'named pipe' | 'socket' | 'device';
  linkTarget?: string;
}

/** The fields of a custody event this module reads (CustodyEvent of common/types.ts has them). */
export interface FixityEventLike {
  type: string;
  detail: Record<string, unknown>;
}

/**
 * True when `e` is the one event of a fixity check run (issue 15 §2; item null, detail.scope
 * "archive" or "selection"), or an older version's archive-wide summary (scope "archive").
 */
export const isFixityRunEvent = (e: FixityEventLike & { item: string | null }): boolean =>
  e.type === 'fixity check' && e.item === null && (e.detail.scope === 'archive' || e.detail.scope === 'selection');

/**
 * In ONE item's timeline (core/custody/query.ts itemCustodyEvents: `log --item`, `show`, the Item
 * screen), a fixity run event stands for that item's passing check in the run: its run number
 * (null for any other event, or an older archive-wide summary, which lists no items). The run's own
 * outcome may be "fail" for other items: a reader of the item's timeline must say "passed".
 */
export function itemRunPass(e: FixityEventLike & { item: string | null }): number | null {
  return isFixityRunEvent(e) && typeof e.detail.run === 'number' ? e.detail.run : null;
}

/** True when `e` is an item's `fixity check` event whose outcome is `fail`. */
export const isFailedFixityCheck = (e: FixityEventLike): boolean => e.type === 'fixity check' && e.detail.outcome === 'fail';

const KINDS: readonly string[] = ['altered', 'missing', 'unreadable', 'catalog', 'unrecorded-change'];

function isFinding(v: unknown): v is FixityFinding {
  return typeof v === 'object' && v !== null && KINDS.includes(String((v as { kind?: unknown }).kind));
}

// `${alg} expected ${hex}, found ${hex}` and `size expected ${n} bytes, found ${m}`, as fixity.ts writes reasons.
const DIGEST_PAIR = /\b(sha256|sha1|md5) expected ([0-9a-f]+), found ([0-9a-f]+|undefined)/gu;
const SIZE_PAIR = /\bsize expected (\d+) bytes, found (\d+)/u;
const OBJECT_IN_REASON = /^item \d+ \(([^)]*)\): /u;

/**
 * What failed fixity check `e` found: the `finding` its detail records (events written since issue
 * 11), else read from its `reason` text as verify wrote it before ("item N (path): content altered:
 * sha256 expected …, found …; size expected … bytes, found …", "… object missing from the store",
 * "… unreadable: …", "… object intact (SHA-256 matches) but the catalog's digests differ: …").
 * Null for an event that is not a failed fixity check, or whose reason says none of these.
 */
export function fixityFinding(e: FixityEventLike): FixityFinding | null {
  if (!isFailedFixityCheck(e)) return null;
  if (isFinding(e.detail.finding)) return e.detail.finding;
  const reason = typeof e.detail.reason === 'string' ? e.detail.reason : '';
  const objectMatch = OBJECT_IN_REASON.exec(reason);
  const where = objectMatch?.[1] ?? '';
  // Only an archive-relative path is worth repeating; an older event's absolute one says nothing more.
  const object = where.startsWith('objects/') ? { object: where } : {};
  const rest = objectMatch ? reason.slice(objectMatch[0].length) : reason;
  if (rest.startsWith('object missing from the store')) return { kind: 'missing', ...object };
  if (rest.startsWith('unreadable: ')) return { kind: 'unreadable', ...object, error: rest.slice('unreadable: '.length) };
  const kind: FixityFindingKind | null = rest.startsWith('content altered') ? 'altered' : rest.startsWith('object intact') ? 'catalog' : null;
  if (!kind) return null;
  const expected: Record<string, string> = {};
  const found: Record<string, string> = {};
  for (const m of rest.matchAll(DIGEST_PAIR)) {
    expected[m[1]!] = m[2]!;
    found[m[1]!] = m[3]!;
  }
  const size = SIZE_PAIR.exec(rest);
  return {
    kind, ...object, expected, found,
    ...(size ? { expectedBytes: Number(size[1]), foundBytes: Number(size[2]) } : {}),
  };
}

const ALG_LABEL: Record<string, string> = { sha256: 'SHA-256', sha1: 'SHA-1', md5: 'MD5' };

/** The display name of a digest algorithm ("SHA-256" for sha256); the name itself when unknown. */
export const digestLabel = (alg: string): string => ALG_LABEL[alg] ?? alg;

/**
 * A finding as English lines for the CLI: one per digest that differed ("content altered: SHA-256
 * expected …, found …"), one for the size, or one saying the object is missing (with its path) or
 * could not be read (with the error). The desktop builds its own from the same finding, translated.
 */
export function fixityFindingLines(f: FixityFinding): string[] {
  switch (f.kind) {
    case 'missing':
      // Something else at the object's address: say what, so "missing" is not read as deleted.
      if (f.notAFile) return [`object missing from the store: a ${f.notAFile}${f.linkTarget ? ` to ${f.linkTarget}` : ''} stands in its place, not a file held by the archive${f.object ? ` (${f.object})` : ''}`];
      return [`object missing from the store${f.object ? ` (${f.object})` : ''}`];
    case 'unreadable':
      return [`object could not be read: ${f.error ?? 'unknown error'}`];
    case 'unrecorded-change':
      return [`unrecorded change: the object was replaced outside the archive (it was found ${f.previous ?? 'failed'}${f.previousCheckedAt ? ` at ${f.previousCheckedAt}` : ''}, and no recovery was recorded since; its content matches again)`];
    case 'altered':
    case 'catalog': {
      const lead = f.kind === 'altered' ? 'content altered' : 'object intact (SHA-256 matches), but the catalog\'s digest differs';
      const lines = Object.keys(f.expected ?? {}).map((alg) => `${lead}: ${digestLabel(alg)} expected ${f.expected![alg]}, found ${f.found?.[alg] ?? 'nothing'}`);
      if (f.expectedBytes !== undefined) lines.push(`size expected ${f.expectedBytes} bytes, found ${f.foundBytes}`);
      return lines.length ? lines : [lead];
    }
  }
}
