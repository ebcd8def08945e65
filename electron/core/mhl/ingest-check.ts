// Ingest's check of a card against the media hash lists found on it (issue 14 §2): which files a
// history lists and in which formats (hashed by the workers in the same read pass as SHA-256),
// each file's verdict, the files the history lists that are not on the card, the files on the card
// it does not list; then the verdicts recorded as provenance of each sighting and as custody events.
import { lstatSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Archive } from '../archive.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import { displayName } from '../ingest/filename.ts';
import { entryReadings, invalidEntryReason } from './entry-path.ts';
import type { MhlHashFormat } from './hash.ts';
import type { MhlDigests } from './ingest-hashers.ts';
import { CardNames, type CardNameMatch } from './name-match.ts';
import { ASC_MHL_DIR, CHAIN_FILE, expectedFiles, hasAscMhlHistory, MhlReadError, readAscMhlHistory, readLegacyMhl, untrustedOnlyFiles, type ExpectedFile, type HistoryChange, type MhlGeneration, type MhlHistory, type RejectedHashList, type UntrustedRecord } from './read.ts';
import { changesReason, untrustedReason } from './trust-words.ts';

/** What ingest knows of a file it walked (walk.ts Candidate). */
export interface WalkedFile {
  path: string;
  /** The path's bytes when `path` is not the path itself (walk.ts Candidate): such a name is matched only byte for byte. */
  rawPath?: Buffer;
}

/** A history as the ingest report names it: no absolute path, the folder's name and the generation file. */
export interface MhlHistorySummary {
  kind: MhlHistory['kind'];
  /** The described folder's absolute path (catalog and local report only). */
  folder: string;
  /** The folder's name: what custody events carry. */
  folderName: string;
  generations: number;
  latest: { sequence: number; fileName: string; creator: MhlGeneration['creator']; process: string | null } | null;
  /** ASC MHL: each generation file against the chain's C4 ('ok', 'mismatch', 'missing', 'unlisted', 'no-chain'). */
  chain: { sequence: number; path: string; status: string }[];
  /** ASC MHL: generation files sharing one sequence number; none when absent. */
  duplicates?: { sequence: number; files: string[] }[];
  problems: string[];
  /** The verdicts on the files this history speaks for, and its invalid entries. */
  counts: MhlCounts;
}

/** Verdicts by kind; `invalid` counts entries that name no file inside the list's folder (entry-path.ts). */
export interface MhlCounts {
  verified: number;
  mismatch: number;
  missing: number;
  notListed: number;
  notChecked: number;
  invalid: number;
}

/** The verdict on one file a history lists, on a file on the card it does not list, or on an invalid entry. */
export interface MhlFileOutcome {
  /**
   * The file's path as ingest saw it (absolute, display form), or where the history says it should
   * be; for an `invalid` entry, the hash-list file that holds it (no file is named by the entry).
   */
  path: string;
  /** The path as the history lists it, relative to its folder. */
  entry: string;
  /** The history's folder name and generation file ("A002R2EC/ascmhl/0002_….mhl"). */
  history: string;
  status: 'verified' | 'mismatch' | 'missing' | 'not-listed' | 'not-checked' | 'invalid';
  expected?: MhlDigests;
  found?: MhlDigests;
  expectedBytes?: number;
  foundBytes?: number;
  /** Why, in words (mismatch, not checked, invalid). */
  reason?: string;
  /** The file's path on the card relative to the history's folder, when it differs from `entry` (name-match.ts). */
  cardName?: string;
  /** How `cardName` differs from `entry`: 'unicode-normalization' or 'letter-case'. */
  nameMatch?: CardNameMatch['how'];
}

/** A generation of a history that the history's chain does not vouch for, or a sequence number given twice: either makes the ingest fail. */
export interface MhlUntrustedGeneration {
  /** The history's folder name. */
  folder: string;
  /** "ascmhl/NNNN_….mhl", or the files sharing a sequence number joined by ", ". */
  file: string;
  status: 'mismatch' | 'missing' | 'unlisted' | 'duplicate-sequence';
}

/** The MHL part of an ingest report. */
export interface MhlIngestReport {
  histories: MhlHistorySummary[];
  counts: MhlCounts;
  /** Every file with a verdict other than verified, by file. */
  files: MhlFileOutcome[];
  /** Hash lists found but not readable, each with its file and the reason. */
  problems?: string[];
  /** The hash-list files refused (not well-formed, not a hash list, too large): each makes the ingest fail. */
  rejected?: RejectedHashList[];
  /** Generations the chain does not vouch for (their hashes are not trusted) and sequence numbers given twice: each makes the ingest fail. None when absent. */
  untrusted?: MhlUntrustedGeneration[];
  /** Files verified although the card names them differently from the list (Unicode normalisation or letter case): none when absent. */
  nameMatches?: MhlFileOutcome[];
}

/** A refused hash-list file as custody events name it: its card folder's name and its path below it (ascmhl/… or the .mhl), never the absolute path. */
function rejectedLabel(file: string): { kind: 'asc-mhl' | 'mhl-1.1'; folder: string; file: string } {
  const parent = dirname(file);
  if (basename(parent) === ASC_MHL_DIR) return { kind: 'asc-mhl', folder: basename(dirname(parent)), file: `${ASC_MHL_DIR}/${basename(file)}` };
  return { kind: 'mhl-1.1', folder: basename(parent), file: basename(file) };
}

/** `reason` with the file's own absolute path taken out (a reason names the file it is about). */
const stripPaths = (reason: string, file: string): string => reason.split(file).join(basename(file));

/** Files missing from the card that one history may log one event each for; more are summed up in one. */
export const MISSING_EVENTS_PER_LIST = 100;

interface Listed {
  history: MhlHistory;
  exp: ExpectedFile;
  /** The file's path to open or stat (real name characters; the map's key is its display form). */
  fsPath: string;
  /** Set when the card names the file differently from the entry (name-match.ts). */
  nameMatch?: CardNameMatch;
}

/** An entry of a history that names no file inside its folder (entry-path.ts), with why. */
interface InvalidEntry {
  history: MhlHistory;
  exp: ExpectedFile;
  reason: string;
}

/** The hash-list file (absolute) that holds generation `g` of history `h`. */
const generationFile = (h: MhlHistory, g: MhlGeneration) => (h.kind === 'asc-mhl' ? join(h.root, ASC_MHL_DIR, g.fileName) : join(h.root, g.fileName));

/** The outcome fields saying how the card names a file differently from its entry (none when it names it exactly). */
const nameFields = (l: Listed): Pick<MhlFileOutcome, 'cardName' | 'nameMatch'> =>
  (l.nameMatch ? { cardName: l.nameMatch.cardName, nameMatch: l.nameMatch.how } : {});

const exists = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

const historyLabel = (h: MhlHistory, g: MhlGeneration) => (h.kind === 'asc-mhl' ? `${basename(h.root)}/${ASC_MHL_DIR}/${g.fileName}` : `${basename(h.root)}/${g.fileName}`);

/** Glob (gitwildmatch subset: *, ?, **, leading or inner "/" anchors, trailing "/" for folders) to a test on a relative path. */
function ignoreTest(pattern: string): (rel: string) => boolean {
  const dirOnly = pattern.endsWith('/');
  const p = pattern.replace(/^!/u, '').replace(/\/$/u, '');
  const anchored = p.includes('/');
  const body = p.replace(/^\//u, '').split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/gu, '\\$&'))).join('').replaceAll('[^/]*[^/]*', '.*');
  const re = new RegExp(anchored ? `^${body}(?:/|$)` : `(?:^|/)${body}${dirOnly ? '/' : '(?:/|$)'}`, 'u');
  return (rel) => re.test(rel);
}

/** True when `rel` is ignored by `patterns` (gitwildmatch: the last pattern that matches decides; "!" re-includes). */
export function isIgnored(patterns: readonly string[], rel: string): boolean {
  let ignored = false;
  for (const p of patterns) if (ignoreTest(p)(rel)) ignored = !p.startsWith('!');
  return ignored;
}

/** Folders from `start` up to the file system's root. */
function upwards(start: string): string[] {
  const out: string[] = [];
  for (let d = start; ; d = dirname(d)) {
    out.push(d);
    if (dirname(d) === d) return out;
  }
}

function isDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function legacyFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.mhl')).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/**
 * Finds the hash lists that describe what ingest is about to read: an ascmhl/ history (or legacy
 * .mhl files) in each input folder or above it, and those inside the inputs (from the walked
 * files: a chain or generation under an ascmhl/ folder, any other .mhl file). Unreadable ones are
 * kept with their problem. Never throws.
 */
export async function findHashLists(inputs: readonly string[], files: readonly WalkedFile[]): Promise<{ histories: MhlHistory[]; problems: string[]; rejected: RejectedHashList[] }> {
  const ascRoots = new Set<string>();
  const legacy = new Set<string>();
  for (const input of inputs.map((i) => resolve(i))) {
    for (const d of upwards(isDir(input) ? input : dirname(input))) {
      if (hasAscMhlHistory(d)) ascRoots.add(d);
      for (const f of legacyFilesIn(d)) legacy.add(f);
    }
  }
  const marker = `${sep}${ASC_MHL_DIR}${sep}`;
  for (const f of files) {
    const at = f.path.lastIndexOf(marker);
    if (at >= 0 && (f.path.endsWith(`${marker}${CHAIN_FILE}`) || f.path.toLowerCase().endsWith('.mhl'))) ascRoots.add(f.path.slice(0, at));
    else if (f.path.toLowerCase().endsWith('.mhl')) legacy.add(f.path);
  }
  const histories: MhlHistory[] = [];
  const problems: string[] = [];
  const rejected: RejectedHashList[] = [];
  const refuse = (e: unknown) => {
    problems.push((e as Error).message);
    if (e instanceof MhlReadError) rejected.push({ file: e.file, reason: e.reason });
  };
  for (const root of [...ascRoots].sort()) {
    try {
      histories.push(await readAscMhlHistory(root));
    } catch (e) {
      refuse(e);
    }
  }
  for (const file of [...legacy].sort()) {
    try {
      histories.push(readLegacyMhl(file));
    } catch (e) {
      refuse(e);
    }
  }
  return { histories, problems, rejected };
}

/**
 * The check of one ingest run against the hash lists found for its inputs. Call `formatsFor`
 * before a file is read (the formats to compute with SHA-256), `checked` with what was read,
 * `unread` when a listed file could not be read, and `finish` once the run's records are committed.
 */
export class MhlIngestCheck {
  private readonly listed = new Map<string, Listed>();
  private readonly invalid: InvalidEntry[] = [];
  private readonly outcomes = new Map<string, MhlFileOutcome & { sha256?: string; generation: MhlGeneration; historyRef: MhlHistory; changes?: HistoryChange[]; untrusted?: UntrustedRecord[] }>();

  private readonly walkedPaths: Set<string>;
  /** Entries no file fits exactly and several fit by name-match.ts, by the key of their exact reading: why they stay unmatched. */
  private readonly ambiguous = new Map<string, string>();
  /** Files that only generations the chain does not vouch for list, by walked path: what those record. */
  private readonly untrustedOnly = new Map<string, UntrustedRecord[]>();

  private constructor(private readonly inputs: string[], private readonly walked: readonly WalkedFile[], readonly histories: MhlHistory[], private readonly problems: string[], private readonly rejected: RejectedHashList[]) {
    this.walkedPaths = new Set(walked.map((f) => f.path));
    // The deepest history that lists a file speaks for it (a card's own history over a parent's); ASC MHL over MHL v1.1.
    const rank = (h: MhlHistory) => h.root.length * 2 + (h.kind === 'asc-mhl' ? 1 : 0);
    for (const h of [...histories].sort((a, b) => rank(a) - rank(b))) {
      // Exact names first; an entry no file has the exact name of is then matched by name-match.ts against the files no entry claimed.
      const inexact: { rel: string; exp: ExpectedFile; at: { key: string; fsPath: string } }[] = [];
      for (const [rel, exp] of expectedFiles(h)) {
        // Checked before anything else: a hostile entry is reported even when it carries no hash.
        const bad = invalidEntryReason(rel);
        if (bad) {
          this.invalid.push({ history: h, exp, reason: bad });
          continue;
        }
        if (Object.keys(exp.hashes).length === 0 && exp.size === null) continue;
        const at = this.resolveEntry(h.root, rel);
        if (!at) {
          this.invalid.push({ history: h, exp, reason: "leads out of the hash list's folder" });
          continue;
        }
        if (!this.walkedPaths.has(at.key) && !exists(at.fsPath)) inexact.push({ rel, exp, at });
        this.listed.set(at.key, { history: h, exp, fsPath: at.fsPath });
      }
      if (inexact.length) this.matchNames(h, inexact);
      for (const [rel, records] of untrustedOnlyFiles(h)) {
        if (invalidEntryReason(rel)) continue;
        const at = this.resolveEntry(h.root, rel);
        if (at) this.untrustedOnly.set(at.key, records);
      }
    }
  }

  /** Moves each entry of `inexact` to the one card file that fits it by name (name-match.ts), or records why several fit. */
  private matchNames(h: MhlHistory, inexact: { rel: string; exp: ExpectedFile; at: { key: string; fsPath: string } }[]): void {
    const inside = h.root + sep;
    const relOf = (p: string) => p.slice(inside.length).split(sep).join('/');
    // Only names that are their own display form: a name that is not UTF-8 is matched byte for byte.
    const names = new CardNames(this.walked.filter((f) => !f.rawPath && f.path.startsWith(inside)).map((f) => relOf(f.path)));
    const taken = new Set([...this.listed.keys()].filter((k) => k.startsWith(inside) && this.walkedPaths.has(k)).map(relOf));
    for (const { rel, exp, at } of inexact) {
      const { literal, windows } = entryReadings(rel);
      const found = names.lookUp(literal.join('/'), taken) ?? (windows ? names.lookUp(windows.join('/'), taken) : null);
      if (!found) continue;
      if ('ambiguous' in found) {
        const how = found.ambiguous.how === 'letter-case' ? 'letter case' : 'Unicode normalisation';
        this.ambiguous.set(at.key, `listed by the hash list but not on the card under that exact name; ${found.ambiguous.names.length} files on the card differ from it only in ${how} (${found.ambiguous.names.join(', ')}): which one it names is not clear`);
        continue;
      }
      const key = join(h.root, ...found.match.cardName.split('/'));
      this.listed.delete(at.key);
      taken.add(found.match.cardName);
      this.listed.set(key, { history: h, exp, fsPath: key, nameMatch: found.match });
    }
  }

  /**
   * The file a valid entry `rel` of the history at `root` names (entry-path.ts: the literal name
   * first; a Windows list's "\" separators when no file of the literal name is on the card): its
   * key (the display form ingest's walk gives: a "\" in a name is written "\\") and its path to stat.
   * Null when it would not be inside `root` (never, for an entry invalidEntryReason accepts).
   */
  private resolveEntry(root: string, rel: string): { key: string; fsPath: string } | null {
    const shown = (segments: string[]) => join(root, ...segments.map((s) => displayName(Buffer.from(s, 'utf8'))));
    const { literal, windows } = entryReadings(rel);
    let segments = literal;
    if (windows) {
      const key = shown(literal);
      if (!this.walkedPaths.has(key) && !exists(join(root, ...literal))) segments = windows;
    }
    const out = { key: shown(segments), fsPath: join(root, ...segments) };
    const inside = root.endsWith(sep) ? root : root + sep;
    return out.key.startsWith(inside) && out.fsPath.startsWith(inside) ? out : null;
  }

  /** The check for `inputs` and the files walked under them, or null when no hash list describes them. */
  static async prepare(inputs: readonly string[], walked: readonly WalkedFile[]): Promise<MhlIngestCheck | null> {
    const { histories, problems, rejected } = await findHashLists(inputs, walked);
    if (!histories.length && !problems.length) return null;
    return new MhlIngestCheck(inputs.map((i) => resolve(i)), walked, histories, problems, [...rejected, ...histories.flatMap((h) => h.rejected ?? [])]);
  }

  /** The MHL formats to compute for the file at `path` (empty when no history lists it). */
  formatsFor(path: string): MhlHashFormat[] {
    return Object.keys(this.listed.get(path)?.exp.hashes ?? {}) as MhlHashFormat[];
  }

  /** True when a history lists `path`: such a file is read even when an earlier run ingested it unchanged. */
  lists(path: string): boolean {
    return this.listed.has(path);
  }

  /** Records what reading `path` found (its bytes, SHA-256 and MHL hashes) against what its history expects. */
  checked(path: string, r: { bytes: number; sha256: string; mhl?: MhlDigests }): void {
    const l = this.listed.get(path);
    if (!l) return;
    const expected = l.exp.hashes;
    const found: MhlDigests = {};
    const differ: string[] = [];
    for (const [f, v] of Object.entries(expected) as [MhlHashFormat, string][]) {
      found[f] = r.mhl?.[f];
      if (found[f] !== v) differ.push(`${f} expected ${v}, found ${found[f] ?? 'nothing'}`);
    }
    if (l.exp.size !== null && l.exp.size !== r.bytes) differ.push(`size expected ${l.exp.size} bytes, found ${r.bytes}`);
    const g = l.exp.generation;
    // The history recording two values for one format says the file changed between offloads: no pass, whatever the card holds now.
    const changes = l.exp.changes ?? [];
    const failed = differ.length > 0 || changes.length > 0;
    const why = [differ.length ? `changed since the hash list recorded it: ${differ.join('; ')}` : '', changes.length ? changesReason(changes) : '', failed && l.exp.untrusted ? untrustedReason(l.exp.untrusted) : ''].filter(Boolean);
    this.outcomes.set(path, {
      path, entry: l.exp.path, history: historyLabel(l.history, g), status: failed ? 'mismatch' : 'verified', expected, found,
      ...(l.exp.size !== null ? { expectedBytes: l.exp.size } : {}), foundBytes: r.bytes, sha256: r.sha256, generation: g, historyRef: l.history,
      ...(why.length ? { reason: why.join('; ') } : {}), ...nameFields(l),
      ...(changes.length ? { changes } : {}), ...(failed && l.exp.untrusted ? { untrusted: l.exp.untrusted } : {}),
    });
  }

  /** Records that a listed file could not be read (its ingest failed), with why. */
  unread(path: string, reason: string): void {
    const l = this.listed.get(path);
    if (!l) return;
    this.outcomes.set(path, { path, entry: l.exp.path, history: historyLabel(l.history, l.exp.generation), status: 'not-checked', reason, generation: l.exp.generation, historyRef: l.history, ...nameFields(l) });
  }

  private insideInputs(path: string): boolean {
    return this.inputs.some((i) => path === i || path.startsWith(i.endsWith(sep) ? i : i + sep));
  }

  /** Listed files under the inputs that were not read: missing from the card, or left out by the walk. */
  private settleUnread(): void {
    for (const [path, l] of this.listed) {
      if (this.outcomes.has(path) || !this.insideInputs(path)) continue;
      const there = exists(l.fsPath);
      this.outcomes.set(path, {
        path, entry: l.exp.path, history: historyLabel(l.history, l.exp.generation), status: there ? 'not-checked' : 'missing',
        expected: l.exp.hashes, ...(l.exp.size !== null ? { expectedBytes: l.exp.size } : {}),
        reason: there ? 'on the card but not read by this ingest (hidden, a link, or not a regular file)' : this.ambiguous.get(path) ?? 'listed by the hash list but not on the card',
        generation: l.exp.generation, historyRef: l.history,
      });
    }
  }

  /** Walked files under a history's folder that no history lists (hash list files and ignored names aside). */
  private notListed(): (MhlFileOutcome & { owner: MhlHistory })[] {
    const out: (MhlFileOutcome & { owner: MhlHistory })[] = [];
    for (const f of this.walked) {
      if (this.listed.has(f.path) || f.path.includes(`${sep}${ASC_MHL_DIR}${sep}`) || f.path.toLowerCase().endsWith('.mhl')) continue;
      // A history none of whose generations could be read lists nothing: its files are not "not listed" (the rejection is reported).
      const owner = this.histories.filter((h) => h.generations.length && f.path.startsWith(h.root + sep)).sort((a, b) => b.root.length - a.root.length)[0];
      if (!owner) continue;
      const rel = f.path.slice(owner.root.length + 1).split(sep).join('/');
      const latest = owner.generations.at(-1);
      if (isIgnored(latest?.ignore ?? [], rel)) continue;
      const unvouched = this.untrustedOnly.get(f.path);
      out.push({ path: f.path, entry: rel, history: latest ? historyLabel(owner, latest) : basename(owner.root), status: 'not-listed', reason: unvouched ? `on the card; only a generation the chain does not vouch for lists it (${untrustedReason(unvouched)})` : 'on the card, but the hash list does not list it', owner });
    }
    return out;
  }

  /**
   * Records the run's verdicts and returns the report. In one transaction: each generation whose
   * entry a file was checked against (mhl_generations, with its creator info), each checked file's
   * link to its sighting of run `runId` (sighting_mhl), and custody events: a `fixity check` per
   * checked file (outcome pass, or fail with a structured `finding`), and a failed one, for no item,
   * per file the list names that is not on the card and per invalid entry (finding `invalid-entry`:
   * the entry's path as written and why it names no file inside the card). Events name files by their path in the history
   * and the history by its folder's name: no absolute path of this machine. Throws SQLite errors.
   */
  finish(archive: Archive, runId: string, actor: string): MhlIngestReport {
    this.settleUnread();
    const notListed = this.notListed();
    const db = archive.db;
    const genIds = new Map<string, number>();
    const generationId = (h: MhlHistory, g: MhlGeneration): number => {
      const key = `${h.root}\u0000${g.fileName}`;
      const known = genIds.get(key);
      if (known !== undefined) return known;
      const c = g.creator;
      const chain = h.chain.find((x) => x.path === g.fileName);
      const r = db.prepare(`INSERT INTO mhl_generations (run_id, kind, folder_path, file_name, sequence, c4, chain_status, creation_date, host_name, tool, tool_version, authors, location, comment, process)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, folder_path, file_name) DO UPDATE SET sequence = excluded.sequence RETURNING id`)
        .get(runId, h.kind, h.root, g.fileName, g.sequence, chain?.expected ?? null, chain?.status ?? null, c.creationDate, c.hostName, c.tool, c.toolVersion,
          JSON.stringify(c.authors), c.location, c.comment, g.process) as { id: number };
      genIds.set(key, r.id);
      return r.id;
    };
    const sightingOf = db.prepare('SELECT id FROM sightings WHERE run_id = ? AND source_path = ? ORDER BY id DESC LIMIT 1');
    const at = new Date().toISOString();
    // Beyond MISSING_EVENTS_PER_LIST files missing from one history and invalid entries of it, one
    // event sums them up (the report names each): a hostile or mistaken list must not flood the custody log.
    const missingOf = new Map<MhlHistory, MhlFileOutcome[]>();
    for (const o of this.outcomes.values()) {
      if (o.status !== 'missing') continue;
      const l = missingOf.get(o.historyRef);
      if (l) l.push(o);
      else missingOf.set(o.historyRef, [o]);
    }
    const invalidOf = new Map<MhlHistory, InvalidEntry[]>();
    for (const v of this.invalid) invalidOf.set(v.history, [...(invalidOf.get(v.history) ?? []), v]);
    const summedUp = (h: MhlHistory) => (missingOf.get(h)?.length ?? 0) + (invalidOf.get(h)?.length ?? 0) > MISSING_EVENTS_PER_LIST;
    const summed = [...new Set([...missingOf.keys(), ...invalidOf.keys()])].filter(summedUp);
    db.transaction(() => {
      // A hash list that could not be read checked nothing: a failed check naming it, by its file name only.
      for (const r of this.rejected) {
        const rel = rejectedLabel(r.file);
        appendCustodyEvent(db, { actor, type: 'fixity check', item: null, at, detail: {
          outcome: 'fail', scope: 'source hash list', algorithms: [], entry: '', hashList: { kind: rel.kind, folder: rel.folder, file: rel.file },
          finding: { kind: 'unreadable-list' }, reason: `${rel.folder}/${rel.file}: ${stripPaths(r.reason, r.file)}`,
        } });
      }
      for (const h of summed) {
        const list = missingOf.get(h) ?? [];
        const bad = invalidOf.get(h) ?? [];
        const g = h.generations.at(-1)!;
        const says = [list.length ? `${list.length} files listed by the hash list are not on the card` : '', bad.length ? `${bad.length} of its entries are invalid (not inside the card)` : ''].filter(Boolean).join('; ');
        appendCustodyEvent(db, { actor, type: 'fixity check', item: null, at, detail: {
          outcome: 'fail', scope: 'source hash list', algorithms: [], entry: '',
          hashList: { kind: h.kind, folder: basename(h.root), file: h.kind === 'asc-mhl' ? `${ASC_MHL_DIR}/${g.fileName}` : g.fileName, generation: g.sequence, tool: g.creator.tool, toolVersion: g.creator.toolVersion },
          finding: { kind: 'summary', missing: list.length, invalid: bad.length, first: [...list.map((o) => o.entry), ...bad.map((v) => v.exp.path)].slice(0, 20) },
          reason: `${basename(h.root)}: ${says} (each is named in the ingest report)`,
        } });
      }
      // An entry naming no file inside the card: a failed check of the card against its list, for no item; nothing was read for it.
      for (const v of this.invalid) {
        const h = v.history;
        const g = v.exp.generation;
        generationId(h, g);
        if (summedUp(h)) continue;
        appendCustodyEvent(db, { actor, type: 'fixity check', item: null, at, detail: {
          outcome: 'fail', scope: 'source hash list', algorithms: Object.keys(v.exp.hashes), entry: v.exp.path,
          hashList: { kind: h.kind, folder: basename(h.root), file: h.kind === 'asc-mhl' ? `${ASC_MHL_DIR}/${g.fileName}` : g.fileName, generation: g.sequence, tool: g.creator.tool, toolVersion: g.creator.toolVersion },
          finding: { kind: 'invalid-entry', why: v.reason },
          reason: `${basename(h.root)}: invalid entry ${JSON.stringify(v.exp.path)} in the hash list, not read: ${v.reason}`,
        } });
      }
      for (const o of this.outcomes.values()) {
        const h = o.historyRef;
        const g = o.generation;
        const hashList = { kind: h.kind, folder: basename(h.root), file: h.kind === 'asc-mhl' ? `${ASC_MHL_DIR}/${g.fileName}` : g.fileName, generation: g.sequence, tool: g.creator.tool, toolVersion: g.creator.toolVersion };
        const algorithms = Object.keys(o.expected ?? {});
        if (o.status === 'verified' || o.status === 'mismatch') {
          // Read but never recorded (its records failed to commit): nothing in the catalog to attach a verdict to.
          const s = sightingOf.get(runId, o.path) as { id: number } | undefined;
          if (!s) continue;
          db.prepare('INSERT OR REPLACE INTO sighting_mhl (sighting_id, generation_id, entry_path, outcome, expected, found) VALUES (?, ?, ?, ?, ?, ?)')
            .run(s.id, generationId(h, g), o.entry, o.status, JSON.stringify(o.expected ?? {}), JSON.stringify(o.found ?? {}));
          const changes = o.changes ?? [];
          appendCustodyEvent(db, { actor, type: 'fixity check', item: o.sha256!, at, detail: {
            outcome: o.status === 'verified' ? 'pass' : 'fail', scope: 'source hash list', algorithms, hashList, entry: o.entry,
            ...(o.cardName ? { cardName: o.cardName, nameMatch: o.nameMatch } : {}),
            ...(o.status === 'mismatch' ? {
              finding: {
                kind: changes.length ? 'inconsistent-history' : 'altered', expected: o.expected, found: o.found,
                ...(o.expectedBytes !== undefined && o.expectedBytes !== o.foundBytes ? { expectedBytes: o.expectedBytes, foundBytes: o.foundBytes } : {}),
                ...(changes.length ? { changes } : {}),
              },
              ...(o.untrusted?.length ? { untrusted: o.untrusted.map((u) => ({ file: `${ASC_MHL_DIR}/${u.fileName}`, generation: u.sequence, status: u.status, recorded: u.hashes })) } : {}),
              reason: `${basename(h.root)}/${o.entry}: ${o.reason}`,
            } : {}),
          } });
        } else if (o.status === 'missing') {
          generationId(h, g);
          if (summedUp(h)) continue;
          appendCustodyEvent(db, { actor, type: 'fixity check', item: null, at, detail: {
            outcome: 'fail', scope: 'source hash list', algorithms, hashList, entry: o.entry,
            finding: { kind: 'missing', expected: o.expected, ...(o.expectedBytes !== undefined ? { expectedBytes: o.expectedBytes } : {}) },
            reason: `${basename(h.root)}/${o.entry}: ${o.reason ?? 'listed by the hash list but not on the card'}`,
          } });
        }
      }
    })();
    return this.report(notListed);
  }

  /**
   * The verdicts so far, as `finish` reports them, recording nothing: for a read-only check of a
   * card (reels/compare.ts). Listed files not read by then count as missing or not checked.
   */
  verdicts(): MhlIngestReport {
    this.settleUnread();
    return this.report(this.notListed());
  }

  private report(notListed: (MhlFileOutcome & { owner: MhlHistory })[]): MhlIngestReport {
    const invalid: (MhlFileOutcome & { historyRef: MhlHistory })[] = this.invalid.map((v) => ({
      path: generationFile(v.history, v.exp.generation), entry: v.exp.path, history: historyLabel(v.history, v.exp.generation), status: 'invalid',
      expected: v.exp.hashes, ...(v.exp.size !== null ? { expectedBytes: v.exp.size } : {}), reason: v.reason, historyRef: v.history,
    }));
    const all = [...[...this.outcomes.values()].map(({ sha256: _s, generation: _g, historyRef: _h, changes: _c, untrusted: _u, ...o }) => o), ...invalid.map(({ historyRef: _h, ...o }) => o)];
    const nameMatches = all.filter((o) => o.cardName !== undefined);
    const untrusted = this.histories.flatMap((h) => untrustedGenerations(h));
    const count = (s: MhlFileOutcome['status']) => all.filter((o) => o.status === s).length;
    const countsOf = (h: MhlHistory) => {
      const mine = [...this.outcomes.values(), ...invalid].filter((o) => o.historyRef === h);
      const n = (s: MhlFileOutcome['status']) => mine.filter((o) => o.status === s).length;
      return { verified: n('verified'), mismatch: n('mismatch'), missing: n('missing'), notListed: notListed.filter((o) => o.owner === h).length, notChecked: n('not-checked'), invalid: n('invalid') };
    };
    return {
      histories: this.histories.map((h) => ({ ...summary(h), counts: countsOf(h) })),
      counts: { verified: count('verified'), mismatch: count('mismatch'), missing: count('missing'), notListed: notListed.length, notChecked: count('not-checked'), invalid: count('invalid') },
      files: [...all.filter((o) => o.status !== 'verified'), ...notListed.map(({ owner: _o, ...o }) => o)].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
      ...(this.problems.length ? { problems: this.problems } : {}),
      ...(this.rejected.length ? { rejected: this.rejected.map((r) => ({ file: r.file, reason: r.reason })) } : {}),
      ...(untrusted.length ? { untrusted } : {}),
      ...(nameMatches.length ? { nameMatches } : {}),
    };
  }
}

function summary(h: MhlHistory): Omit<MhlHistorySummary, 'counts'> {
  const g = h.generations.at(-1);
  return {
    kind: h.kind, folder: h.root, folderName: basename(h.root), generations: h.generations.length,
    latest: g ? { sequence: g.sequence, fileName: g.fileName, creator: g.creator, process: g.process } : null,
    chain: h.chain.map((c) => ({ sequence: c.sequence, path: c.path, status: c.status })), problems: h.problems,
    ...(h.duplicates ? { duplicates: h.duplicates } : {}),
  };
}

/** The generations of `h` its chain does not vouch for (changed, missing or not listed) and its sequence numbers given twice. */
function untrustedGenerations(h: MhlHistory): MhlUntrustedGeneration[] {
  const folder = basename(h.root);
  const out: MhlUntrustedGeneration[] = [];
  for (const c of h.chain) {
    if (c.status === 'mismatch' || c.status === 'missing' || c.status === 'unlisted') out.push({ folder, file: `${ASC_MHL_DIR}/${c.path}`, status: c.status });
  }
  for (const d of h.duplicates ?? []) out.push({ folder, file: d.files.map((f) => `${ASC_MHL_DIR}/${f}`).join(', '), status: 'duplicate-sequence' });
  return out;
}
