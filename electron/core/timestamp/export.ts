// Time-stamping an export after the fact (`evidence timestamp --export ID`): documenters are often
// offline when they export, so tokens over the recorded tag-manifest SHA-256 are added later, to
// the archive's record (export_timestamps + a custody event each) and, when the bag is still on
// disk unchanged, into its signatures/.
import { createHash } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CustodyEvent } from '../../common/types.ts';
import type { Archive } from '../archive.ts';
import { appendCustodyEvent } from '../custody/log.ts';
import type { Db } from '../db/open.ts';
import { requestTimestamps, TAG_MANIFEST, writeOutcomes, type BagTimestampOutcome } from './bag.ts';
import type { TimestampRequestOptions, TimestampResult } from './request.ts';

/** An export id that is not in the exports table. */
export class UnknownExportError extends Error {
  constructor(readonly exportId: string) {
    super(`export ${exportId}: no such export (see \`evidence log --json\` for dissemination events)`);
    this.name = 'UnknownExportError';
  }
}

/** One TSA's outcome for an export, with the custody event that recorded its token. */
export interface ExportTimestampOutcome extends BagTimestampOutcome {
  /** The custody event recording the token (absent when the TSA gave none). */
  event?: CustodyEvent;
  /** Why a token that was obtained and recorded could not be written into the bag. */
  bagError?: string;
}

export interface TimestampExportResult {
  exportId: string;
  /** What was time-stamped: the tag manifest's SHA-256 recorded at export, hex. */
  tagManifestSha256: string;
  /** The bag folder recorded at export. */
  bagDir: string;
  /** Whether the tokens were also written into the bag (still on disk and unchanged). */
  bagWritten: boolean;
  /** Why they were not, when bagWritten is false. */
  bagReason?: string;
  outcomes: ExportTimestampOutcome[];
}

/**
 * Records tokens over export `exportId` in one transaction: a row in export_timestamps and a
 * custody event (type 'digital signature generation', item null, detail { action: 'timestamp',
 * exportId, tsa, tsaName, genTime, serial, policy, tokenSha256, tagManifestSha256, bagFile }) per
 * token, in the order given. For the export command to call with the tokens it got at export time
 * (inside its own transaction, after its dissemination event), as timestampExport does later.
 * Throws on SQLite errors (a token already recorded: UNIQUE token_sha256).
 */
export function recordExportTimestamps(db: Db, opts: { exportId: string; tagManifestSha256: string; actor: string; at?: string;
  tokens: { result: TimestampResult; bagFile: string | null }[] }): CustodyEvent[] {
  const at = opts.at ?? new Date().toISOString();
  const ins = db.prepare(`INSERT INTO export_timestamps (export_id, created_at, actor, tsa, tsa_name, gen_time, serial, policy, imprint_sha256, token, token_sha256, chain_pem, bag_file)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return db.transaction(() => opts.tokens.map(({ result: r, bagFile }) => {
    ins.run(opts.exportId, at, opts.actor, r.tsa, r.tsaName ?? null, r.genTime, r.serial, r.policy, opts.tagManifestSha256, r.tsr, r.tokenSha256, r.chainPem, bagFile);
    return appendCustodyEvent(db, { actor: opts.actor, type: 'digital signature generation', item: null, at, detail: {
      action: 'timestamp', exportId: opts.exportId, tsa: r.tsa, tsaName: r.tsaName ?? null, genTime: r.genTime, serial: r.serial, policy: r.policy,
      tokenSha256: r.tokenSha256, tagManifestSha256: opts.tagManifestSha256, bagFile,
    } });
  }))();
}

/**
 * `evidence timestamp --export ID`: asks each TSA in `urls` (RFC 3161, at once; the network is
 * used) for a token over the tag-manifest SHA-256 recorded for export `exportId`. When the bag is
 * still at its recorded folder and its tagmanifest-sha256.txt still hashes to that value, the
 * tokens are also written into its signatures/ (durably; see writeBagTimestamp). Each token is
 * then recorded (recordExportTimestamps), by `actor`. A TSA that fails, or a bag that cannot be
 * written, is that TSA's error in the result, never a throw. Throws UnknownExportError for an
 * unknown export, Error for an archive opened read-only or an empty `urls`, SQLite errors.
 */
export async function timestampExport(archive: Archive, exportId: string, urls: readonly string[], actor: string,
  opts: TimestampRequestOptions = {}): Promise<TimestampExportResult> {
  if (!archive.writable) throw new Error(`${archive.dir}: archive opened read-only; recording time-stamp tokens needs the write lock`);
  if (!urls.length) throw new Error('no time-stamping authority: give --tsa URL (or set EVIDENCE_TSA)');
  const db = archive.db;
  const exp = db.prepare('SELECT id, out_path, tagmanifest_sha256 FROM exports WHERE id = ?').get(exportId) as
    | { id: string; out_path: string; tagmanifest_sha256: string } | undefined;
  if (!exp) throw new UnknownExportError(exportId);
  const { bagDir, reason } = await bagIfUnchanged(exp.out_path, exp.tagmanifest_sha256);
  const outcomes = await requestTimestamps(urls, Buffer.from(exp.tagmanifest_sha256, 'hex'), opts);
  const written = await writeOutcomes(bagDir, outcomes);
  const got = written.filter((o) => o.result);
  let events: CustodyEvent[] = [];
  try {
    events = recordExportTimestamps(db, { exportId: exp.id, tagManifestSha256: exp.tagmanifest_sha256, actor,
      tokens: got.map((o) => ({ result: o.result!, bagFile: o.file ?? null })) });
  } catch (e) {
    // An export never holds a token its record lacks: take back what was written into the bag.
    for (const o of got) {
      if (o.file && bagDir) {
        await unlink(join(bagDir, o.file)).catch(() => undefined);
        await unlink(join(bagDir, `${o.file}.crt`)).catch(() => undefined);
      }
    }
    throw e;
  }
  const eventOf = new Map(got.map((o, i) => [o, events[i]!]));
  return {
    exportId: exp.id, tagManifestSha256: exp.tagmanifest_sha256, bagDir: exp.out_path,
    bagWritten: bagDir !== null && got.some((o) => o.file),
    ...(reason ? { bagReason: reason } : {}),
    // A token that is recorded counts as obtained even when the bag could not take it.
    outcomes: written.map((o): ExportTimestampOutcome => {
      const event = eventOf.get(o);
      if (!event) return o;
      const { error, ...rest } = o;
      return { ...rest, ok: true, event, ...(error ? { bagError: error } : {}) };
    }),
  };
}

/** The bag folder when it is on disk with its tag manifest unchanged, else null and why. */
async function bagIfUnchanged(dir: string, sha256: string): Promise<{ bagDir: string | null; reason?: string }> {
  try {
    await stat(dir);
  } catch {
    return { bagDir: null, reason: `the bag folder ${dir} is no longer on disk; the tokens are recorded in the archive only` };
  }
  let now: string;
  try {
    now = createHash('sha256').update(await readFile(join(dir, TAG_MANIFEST))).digest('hex');
  } catch (e) {
    return { bagDir: null, reason: `${join(dir, TAG_MANIFEST)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the tokens are recorded in the archive only` };
  }
  if (now !== sha256) {
    return { bagDir: null, reason: `the bag at ${dir} changed since export (its tag manifest hashes to ${now}, ${sha256} was recorded); the tokens are recorded in the archive only` };
  }
  return { bagDir: dir };
}
