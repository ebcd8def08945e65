// Which reel each file of an ingest run comes from (issue 14 §1). A reel is named by --reel, else
// by the volume's label (with its file-system UUID as identity) when the path is on removable
// media, else by the card's top folder; the card's own identity (DCIM/100CANON, PRIVATE/M4ROOT…)
// is kept beside it. Two cards with the same folder names read one after the other from the same
// mount point are never merged silently: without a UUID to tell them, the second gets a name of
// its own ("CARD (2)") and the report says so, unless its files prove it is the same card (a
// resumed ingest, the same card read again): its files already on that reel, with the same path
// below the card root, size and modification time, and none at such a path with other ones.
import { statSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import type { IngestFileResult } from '../../common/types.ts';
import { endReelRun, findReel, findReelByUuid, freeReelName, insertReel, reelSightingKeys, reelsNamedLike, startReelRun, type ReelNameSource, type ReelRow } from '../catalog/reels.ts';
import type { Db } from '../db/open.ts';
import { stmt } from '../db/stmt.ts';
import { displayName } from '../ingest/filename.ts';
import type { Candidate } from '../ingest/walk.ts';
import { hasAscMhlHistory } from '../mhl/read.ts';
import { cardRootFor, detectCard, type CardIdentity } from './card.ts';
import { checkReelName } from './name.ts';
import { volumeOf, type VolumeInfo } from './volume.ts';

/** What a run reports of one reel it recorded files on. */
export interface ReelRunReport {
  name: string;
  /** True when this run recorded the reel; false when its files joined a reel already there. */
  created: boolean;
  nameSource: ReelNameSource;
  volumeLabel: string | null;
  volumeUuid: string | null;
  card: CardIdentity | null;
  /** Files of the run that belong to it. */
  files: number;
  /**
   * Why the reel is this one, when that needs saying: a name made distinct ("CARD (2)") because
   * another card already has it, or an existing reel recognised by its files or UUID. English.
   */
  note: string | null;
  /** Structured form of `note`, for the CLI's translations and for --json. */
  why: ReelWhy | null;
}

/** The reason behind a reel choice, with its numbers. */
export type ReelWhy =
  | { code: 'renamed'; clashesWith: string; matched: number; conflicting: number }
  /** `shiftSeconds` (present only when not 0): every file's modification time moved by it (a DST or time-zone change; FAT keeps local time). */
  | { code: 'same-card'; matched: number; shiftSeconds?: number }
  | { code: 'same-uuid'; uuid: string }
  | { code: 'split-after-read'; from: string; contentDiffers: number };

/** The reels of one run: which reel a file goes on, and what to report at the end. */
export interface RunReels {
  /** Reel id for a file of the walk (null when it lies under no input, which the walk never gives). */
  reelOf(c: Candidate): number | null;
  /**
   * Ends the run: records on each reel how many files the run found there and how many it did not
   * record, checks that files of a reel taken as the same card did hold the same content (else
   * moves this run's sightings to a reel of their own, and says so), and drops reels made by this
   * run that got no file. Call once, after every file's catalog write.
   */
  finish(results: readonly IngestFileResult[]): ReelRunReport[];
}

/** One key of a file below its card root, for telling cards apart: relative path bytes (latin1), size, mtime (ns). */
export interface CardFileKey {
  rel: string;
  bytes: number;
  mtimeNs: string | null;
}

const NS = 1_000_000_000n;
/** FAT keeps modification times to 2 s: a copy or another reader may round them by that much. */
const MTIME_SLACK_NS = 2n * NS;
/** Time zones are whole quarter hours from UTC (India +05:30, Nepal +05:45), at most 14 h. */
const ZONE_STEP_NS = 15n * 60n * NS;
const MAX_SHIFT_NS = 14n * 3600n * NS;

/**
 * The shift (ns) by which modification time `b` is `a` moved, when it is one a card's files take
 * all together: a multiple of a quarter hour of at most 14 h (FAT stores local time, so a DST
 * change or a reader in another zone moves every time by the same amount), give or take FAT's
 * 2 s; 0n for the same time within 2 s. Null for any other difference, or an unknown time on
 * either side (two unknown times are the same: 0n).
 */
export function mtimeShift(a: string | null, b: string | null): bigint | null {
  if (a === null || b === null) return a === b ? 0n : null;
  const d = BigInt(b) - BigInt(a);
  const q = ((d >= 0n ? d + ZONE_STEP_NS / 2n : d - ZONE_STEP_NS / 2n) / ZONE_STEP_NS) * ZONE_STEP_NS;
  const r = d - q;
  if (q > MAX_SHIFT_NS || q < -MAX_SHIFT_NS || r > MTIME_SLACK_NS || r < -MTIME_SLACK_NS) return null;
  return q;
}

/**
 * Whether a card's files show it is the card an existing reel recorded: `matched` files at the
 * same relative path with the same size and the same modification time — or all of them moved by
 * one shift (mtimeShift: DST, a time-zone change; FAT's 2 s granularity), given in
 * `shiftSeconds` — and `conflicting` at the same path with another size, a time off by
 * anything else, or another shift than the rest. The same card when at least one matches, none
 * conflicts, and the matches are at least half of either side (a resumed ingest recorded only
 * part of the card; a card shot on since has more). Names and sizes are all there is before the
 * files are read, and two cards can share them: the content of a card taken for a known one is
 * checked after reading (finishGroup), and a card that differs gets a reel of its own. Pure.
 */
export function sameCard(existing: readonly CardFileKey[], card: readonly CardFileKey[]): { same: boolean; matched: number; conflicting: number; shiftSeconds: number } {
  const byRel = new Map<string, CardFileKey[]>();
  for (const e of existing) {
    const l = byRel.get(e.rel);
    if (l) l.push(e);
    else byRel.set(e.rel, [e]);
  }
  // Each file's possible shifts (one per earlier sighting at its path with its size); hash lists aside.
  const shifts: { rel: string; options: Set<bigint> }[] = [];
  let conflicting = 0;
  for (const f of card) {
    const l = byRel.get(f.rel);
    if (!l) continue;
    const options = new Set(l.filter((e) => e.bytes === f.bytes).map((e) => mtimeShift(e.mtimeNs, f.mtimeNs)).filter((s): s is bigint => s !== null));
    if (options.size) shifts.push({ rel: f.rel, options });
    // An offload tool appends a generation to the card's hash list each time: a changed chain says nothing of another card.
    else if (!isHashListPath(f.rel)) conflicting++;
  }
  // The shift most files share (no shift first on a tie); a file that fits only another conflicts.
  const votes = new Map<bigint, number>();
  for (const s of shifts) for (const o of s.options) votes.set(o, (votes.get(o) ?? 0) + 1);
  let shift = 0n;
  for (const [o, n] of votes) if (n > (votes.get(shift) ?? 0)) shift = o;
  let matched = 0;
  for (const s of shifts) {
    if (s.options.has(shift)) matched++;
    else if (!isHashListPath(s.rel)) conflicting++;
  }
  const same = matched > 0 && conflicting === 0 && (matched * 2 >= card.length || matched * 2 >= byRel.size);
  return { same, matched, conflicting, shiftSeconds: Number(shift / NS) };
}

/** True for a media hash list's file below a card root (ascmhl/…, a legacy *.mhl): rewritten on every offload. */
export function isHashListPath(rel: string): boolean {
  const r = rel.split(sep).join('/').toLowerCase();
  return r.startsWith('ascmhl/') || r.includes('/ascmhl/') || r.endsWith('.mhl');
}

/** `path` (bytes) below `root` (bytes) as latin1 text, or null when it is not below it. */
function relKey(path: Uint8Array, root: Uint8Array): string | null {
  const p = Buffer.from(path);
  const r = Buffer.from(root);
  if (p.length <= r.length + 1 || !p.subarray(0, r.length).equals(r) || p[r.length] !== sep.charCodeAt(0)) return null;
  return p.subarray(r.length + 1).toString('latin1');
}

/** The file keys of reel `reel`'s sightings, each below the card root of the run that read it. */
function reelKeys(db: Db, reel: ReelRow): CardFileKey[] {
  return reelSightingKeys(db, reel.id).map((r) => ({ rel: Buffer.from(r.rel).toString('latin1'), bytes: r.bytes, mtimeNs: r.mtimeNs }));
}

/** One input group: the inputs that are one card, and how that card is named. */
interface Group {
  key: string;
  root: string;
  name: string;
  nameSource: ReelNameSource;
  volume: VolumeInfo | null;
  card: CardIdentity | null;
  files: Candidate[];
  reelId?: number;
  created?: boolean;
  why?: ReelWhy | null;
}

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The group an input belongs to: its card root and name, from --reel, the volume, or the folder. */
async function groupOf(input: string, given: string | undefined): Promise<Omit<Group, 'files'>> {
  const abs = resolve(input);
  const folder = isDir(abs) ? abs : dirname(abs);
  const cardRoot = cardRootFor(folder, hasAscMhlHistory);
  if (given !== undefined) {
    return { key: 'given', root: cardRoot, name: given, nameSource: 'given', volume: await volumeOf(abs), card: detectCard(cardRoot) };
  }
  const vol = await volumeOf(abs);
  if (vol && vol.removable && (vol.label || vol.uuid)) {
    // The whole volume is the card: its root holds DCIM/, PRIVATE/…
    const root = vol.mountPoint;
    return { key: `volume:${vol.uuid ?? ''}:${vol.label ?? ''}:${root}`, root, name: vol.label ?? (basename(root) || root), nameSource: 'volume', volume: vol, card: detectCard(root) };
  }
  return { key: `folder:${cardRoot}`, root: cardRoot, name: basename(cardRoot) || cardRoot, nameSource: 'folder', volume: vol, card: detectCard(cardRoot) };
}

/**
 * Decides the reel of every file of a run (see the module comment) and records the new reels, in
 * one transaction. `inputs` as given to ingest, `files` what the walk found under them, `reel`
 * the --reel name (every input then goes on that reel, made when absent). Throws Error for an
 * empty or over-long --reel name.
 */
export async function assignReels(db: Db, opts: { inputs: readonly string[]; files: readonly Candidate[]; reel?: string | undefined; runId: string; at: string }): Promise<RunReels> {
  const given = opts.reel === undefined ? undefined : checkReelName(opts.reel);
  const groups = new Map<string, Group>();
  const inputGroups: { bytes: Buffer; group: Group }[] = [];
  for (const input of opts.inputs) {
    const g = await groupOf(input, given);
    let group = groups.get(g.key);
    if (!group) groups.set(g.key, (group = { ...g, files: [] }));
    inputGroups.push({ bytes: Buffer.from(resolve(input)), group });
  }
  // Each file to the group of the first input it lies under (overlapping inputs are one card).
  const fileGroup = new Map<string, Group>();
  for (const c of opts.files) {
    const p = Buffer.from(c.pathBytes);
    const ig = inputGroups.find(({ bytes }) => p.equals(bytes) || (p.length > bytes.length && p.subarray(0, bytes.length).equals(bytes) && p[bytes.length] === sep.charCodeAt(0)));
    if (!ig) continue;
    ig.group.files.push(c);
    fileGroup.set(c.path, ig.group);
  }

  db.transaction(() => {
    for (const g of groups.values()) decide(db, g, opts);
  })();

  return {
    reelOf: (c) => fileGroup.get(c.path)?.reelId ?? null,
    finish: (results) => db.transaction(() => [...groups.values()].map((g) => finishGroup(db, g, results, opts)))().filter((r): r is ReelRunReport => r !== null),
  };
}

/** Picks the reel of group `g` and records it when new. */
function decide(db: Db, g: Group, opts: { runId: string; at: string }): void {
  const rootBytes = Buffer.from(g.root);
  const make = (name: string, why: ReelWhy | null) => {
    g.reelId = insertReel(db, {
      name, nameSource: g.nameSource, volumeLabel: g.volume?.label ?? null, volumeUuid: g.volume?.uuid ?? null,
      rootPath: displayName(rootBytes), rootBytes, card: g.card, createdAt: opts.at, createdRun: opts.runId,
    });
    startReelRun(db, g.reelId, opts.runId, displayName(rootBytes), rootBytes, opts.at);
    g.name = name;
    g.created = true;
    g.why = why;
  };
  const reuse = (r: ReelRow, why: ReelWhy | null) => {
    g.reelId = r.id;
    startReelRun(db, r.id, opts.runId, displayName(rootBytes), rootBytes, opts.at);
    g.name = r.name;
    g.created = false;
    g.why = why;
  };
  if (g.nameSource === 'given') {
    const r = findReel(db, g.name);
    if (r) reuse(r, null);
    else make(g.name, null);
    return;
  }
  const uuid = g.nameSource === 'volume' ? g.volume?.uuid ?? null : null;
  if (uuid) {
    const r = findReelByUuid(db, uuid);
    if (r) return reuse(r, { code: 'same-uuid', uuid });
  }
  const keys: CardFileKey[] = [];
  for (const c of g.files) {
    const rel = relKey(c.pathBytes, rootBytes);
    if (rel !== null) keys.push({ rel, bytes: c.bytes, mtimeNs: c.mtimeNs });
  }
  // Every reel this card could be ("NAME", "NAME (2)", …): the one its files match best (the newest
  // on a tie: the latest reading of a card shot on since); the clash is named by the reel that
  // holds the name itself, which is why this card needs another.
  const candidates = reelsNamedLike(db, g.name);
  let best: { r: ReelRow; matched: number; shiftSeconds: number } | null = null;
  const seen = new Map<number, { matched: number; conflicting: number }>();
  for (const r of candidates) {
    // A reel with a UUID is a different volume than one with another UUID, whatever its files say.
    if (uuid && r.volumeUuid && r.volumeUuid !== uuid) {
      seen.set(r.id, { matched: 0, conflicting: 0 });
      continue;
    }
    const s = sameCard(reelKeys(db, r), keys);
    seen.set(r.id, s);
    if (s.same && (!best || s.matched >= best.matched)) best = { r, matched: s.matched, shiftSeconds: s.shiftSeconds };
  }
  if (best) return reuse(best.r, { code: 'same-card', matched: best.matched, ...(best.shiftSeconds ? { shiftSeconds: best.shiftSeconds } : {}) });
  const name = freeReelName(db, g.name);
  const holder = name === g.name ? undefined : candidates.find((r) => r.name.toLowerCase() === g.name.toLowerCase());
  const clash = holder ? { name: holder.name, ...(seen.get(holder.id) ?? { matched: 0, conflicting: 0 }) } : null;
  make(name, clash ? { code: 'renamed', clashesWith: clash.name, matched: clash.matched, conflicting: clash.conflicting } : null);
}

/** A shift of modification times in words: "+1 h", "-5 h 45 min". */
export function shiftText(seconds: number): string {
  const a = Math.abs(seconds);
  const h = Math.floor(a / 3600);
  const m = Math.round((a % 3600) / 60);
  return `${seconds < 0 ? '-' : '+'}${h ? `${h} h` : ''}${h && m ? ' ' : ''}${m ? `${m} min` : ''}`;
}

/** The English note of a reel choice. */
export function reelNote(name: string, why: ReelWhy | null): string | null {
  if (!why) return null;
  switch (why.code) {
    case 'renamed':
      return `a reel named "${why.clashesWith}" already exists and nothing shows this is the same card (no volume UUID; ${why.conflicting} of its files have the same path but another size or time, ${why.matched} match): recorded as "${name}"; give --reel NAME to name it yourself`;
    case 'same-card':
      return why.shiftSeconds
        ? `the same card as reel "${name}": ${why.matched} of its files are already recorded there with the same path and size, their modification times all moved by ${shiftText(why.shiftSeconds)} (a daylight-saving or time-zone change: FAT keeps local time); their content is checked after reading`
        : `the same card as reel "${name}": ${why.matched} of its files are already recorded there with the same path, size and modification time`;
    case 'same-uuid':
      return `the same volume as reel "${name}" (file-system UUID ${why.uuid})`;
    case 'split-after-read':
      return `taken at first for the card of reel "${why.from}", but ${why.contentDiffers} of its files hold other content than that reel recorded at the same path, size and time: recorded as "${name}" instead`;
  }
}

function finishGroup(db: Db, g: Group, results: readonly IngestFileResult[], opts: { runId: string; at: string }): ReelRunReport | null {
  if (g.reelId === undefined) return null;
  // A card taken for a known one by its paths, sizes and times must also have held the same content.
  if (!g.created && g.why?.code === 'same-card') {
    // Paths compared below each run's card root: a file of this run at the same path and size as
    // an earlier one of the reel, its time the same but for the card's shift (mtimeShift), with
    // other content.
    const shift = BigInt(g.why.shiftSeconds ?? 0) * NS;
    const keyOf = (k: { rel: Buffer | string; bytes: number }) => `${Buffer.from(k.rel).toString('latin1')}\0${k.bytes}`;
    const all = reelSightingKeys(db, g.reelId);
    const earlier = new Map<string, { mtimeNs: string | null; itemId: number }[]>();
    for (const k of all.filter((x) => x.runId !== opts.runId)) {
      const l = earlier.get(keyOf(k)) ?? [];
      l.push(k);
      earlier.set(keyOf(k), l);
    }
    const differs = all.filter((k) => k.runId === opts.runId && (earlier.get(keyOf(k)) ?? []).some((e) => e.itemId !== k.itemId && mtimeShift(e.mtimeNs, k.mtimeNs) === shift)).length;
    if (differs > 0) {
      const from = g.name;
      const rootBytes = Buffer.from(g.root);
      const id = insertReel(db, {
        name: freeReelName(db, from.replace(/ \(\d+\)$/, '')), nameSource: g.nameSource, volumeLabel: g.volume?.label ?? null, volumeUuid: g.volume?.uuid ?? null,
        rootPath: displayName(rootBytes), rootBytes, card: g.card, createdAt: opts.at, createdRun: opts.runId,
      });
      stmt(db, 'UPDATE sightings SET reel_id = ? WHERE reel_id = ? AND run_id = ?').run(id, g.reelId, opts.runId);
      stmt(db, 'DELETE FROM reel_runs WHERE reel_id = ? AND run_id = ?').run(g.reelId, opts.runId);
      startReelRun(db, id, opts.runId, displayName(rootBytes), rootBytes, opts.at);
      g.reelId = id;
      g.name = stmt(db, 'SELECT name FROM reels WHERE id = ?').pluck().get(id) as string;
      g.created = true;
      g.why = { code: 'split-after-read', from, contentDiffers: differs };
    }
  }
  const paths = new Set(g.files.map((f) => f.path));
  const recorded = new Set(results.filter((r) => paths.has(r.path) && (r.status === 'added' || r.status === 'duplicate')).map((r) => r.path));
  // Folders and files under the card the walk could not read are missing from it too.
  const rootShown = displayName(Buffer.from(g.root));
  const unreadable = results.filter((r) => r.status === 'failed' && !paths.has(r.path) && (r.path === rootShown || r.path.startsWith(rootShown + sep))).length;
  const missing = g.files.length - recorded.size + unreadable;
  const held = (stmt(db, 'SELECT count(*) FROM sightings WHERE reel_id = ?').pluck().get(g.reelId) as number);
  if (g.created && held === 0) {
    stmt(db, 'DELETE FROM reel_runs WHERE reel_id = ?').run(g.reelId);
    stmt(db, 'DELETE FROM reels WHERE id = ?').run(g.reelId);
    return null;
  }
  endReelRun(db, g.reelId, opts.runId, g.files.length, missing);
  const r = stmt(db, 'SELECT volume_label l, volume_uuid u FROM reels WHERE id = ?').get(g.reelId) as { l: string | null; u: string | null };
  return {
    name: g.name, created: g.created ?? false, nameSource: g.nameSource, volumeLabel: r.l, volumeUuid: r.u, card: g.card,
    files: g.files.length, note: reelNote(g.name, g.why ?? null), why: g.why ?? null,
  };
}
