// The hash list a sighting was checked against at ingest (migration 014), for `show` and --json.
import type { Db } from '../db/open.ts';

/** What a card's hash list said of one sighting: the generation, its creator, and the verdict. */
export interface SightingHashList {
  kind: 'asc-mhl' | 'mhl-1.1';
  /** The described folder as seen at ingest, and the generation file (ascmhl/NNNN_….mhl or the .mhl's name). */
  folder: string;
  file: string;
  generation: number;
  /** The generation's C4 ID and its check against the chain (ASC MHL), else null. */
  c4: string | null;
  chainStatus: string | null;
  creator: { tool: string | null; toolVersion: string | null; hostName: string | null; authors: { name: string }[]; creationDate: string | null; location: string | null; comment: string | null };
  process: string | null;
  entry: string;
  outcome: 'verified' | 'mismatch';
  expected: Record<string, string>;
  found: Record<string, string>;
}

/** `sightings` (rows with an `id`), each with `hashLists` when a hash list checked it; unchanged otherwise. */
export function withHashLists<T extends { id: number }>(db: Db, sightings: T[]): (T & { hashLists?: SightingHashList[] })[] {
  const st = db.prepare(`SELECT g.kind, g.folder_path, g.file_name, g.sequence, g.c4, g.chain_status, g.tool, g.tool_version, g.host_name, g.authors,
      g.creation_date, g.location, g.comment, g.process, s.entry_path, s.outcome, s.expected, s.found
    FROM sighting_mhl s JOIN mhl_generations g ON g.id = s.generation_id WHERE s.sighting_id = ? ORDER BY g.id`);
  return sightings.map((s) => {
    const rows = st.all(s.id) as Record<string, string | number | null>[];
    if (!rows.length) return s;
    return {
      ...s,
      hashLists: rows.map((r) => ({
        kind: r.kind as SightingHashList['kind'], folder: String(r.folder_path), file: r.kind === 'asc-mhl' ? `ascmhl/${String(r.file_name)}` : String(r.file_name),
        generation: Number(r.sequence), c4: r.c4 as string | null, chainStatus: r.chain_status as string | null,
        creator: {
          tool: r.tool as string | null, toolVersion: r.tool_version as string | null, hostName: r.host_name as string | null,
          authors: JSON.parse(String(r.authors)) as { name: string }[], creationDate: r.creation_date as string | null,
          location: r.location as string | null, comment: r.comment as string | null,
        },
        process: r.process as string | null, entry: String(r.entry_path), outcome: r.outcome as SightingHashList['outcome'],
        expected: JSON.parse(String(r.expected)) as Record<string, string>, found: JSON.parse(String(r.found)) as Record<string, string>,
      })),
    };
  });
}

/** One line for `show`: the hash list that checked a sighting, what it said and who wrote it. */
export function hashListLine(h: SightingHashList): string {
  const c = h.creator;
  const who = [[c.tool, c.toolVersion].filter(Boolean).join(' '), c.hostName ? `on ${c.hostName}` : '', c.authors.length ? `by ${c.authors.map((a) => a.name).join(', ')}` : '', c.creationDate ?? '']
    .filter(Boolean).join(', ');
  const verdict = h.outcome === 'verified' ? `verified (${Object.keys(h.expected).join(', ')})` : `CHANGED since listed (${Object.entries(h.expected).map(([f, v]) => `${f} expected ${v}, found ${h.found[f] ?? 'nothing'}`).join('; ')})`;
  return `${h.kind === 'asc-mhl' ? 'ASC MHL' : 'MHL 1.1'} ${h.folder}/${h.file} (generation ${h.generation}${h.process ? `, ${h.process}` : ''}; ${who}): ${h.entry} ${verdict}`;
}
