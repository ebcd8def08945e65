// Helpers shared by the case-catalog commands (place, person, incident, case, tag, list, export).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { checkFilterDate, type ItemFilter } from '../../common/catalog.ts';
import { resolveCase } from '../../core/catalog/cases.ts';
import { resolveIncident } from '../../core/catalog/incidents.ts';
import { resolvePerson } from '../../core/catalog/people.ts';
import { resolveOnePlace } from '../../core/catalog/places.ts';
import { parsePersonRef } from '../../core/catalog/tagging.ts';
import type { Db } from '../../core/db/open.ts';
import { UsageError, type Io } from '../io.ts';
import { archiveOption } from './shared.ts';
import { printable } from './text.ts';
import { findReel } from '../../core/catalog/reels.ts';
import { CREDENTIAL_FILTERS } from '../../common/c2pa.ts';
import { t } from '../i18n/index.ts';

/**
 * `evidence <group> <name>`: finds or creates the group command (place, person, …) on the program
 * and returns a new sub-command under it with --archive and --json, so each sub-command can be
 * its own CliCommand entry.
 */
export function subcommand(program: Command, group: string, groupDescription: string, name: string): Command {
  const parent = program.commands.find((c) => c.name() === group) ?? program.command(group).description(groupDescription);
  return archiveOption(parent.command(name)).option('--json', 'print the result as JSON');
}

/** Commander collector for repeatable options: `--tag a --tag b` → ['a', 'b']. */
import { collect } from './options.ts';

export { collect };

/**
 * Runs `fn`; an Error it throws (bad input the core refused) becomes a UsageError (exit code 2)
 * whose message went through printable, since it often quotes what the user or a file supplied.
 */
export function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(printable((e as Error).message));
  }
}

/** Parses a number option; UsageError naming the option when it is not a finite number. */
export function num(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || value.trim() === '') throw new UsageError(t('catalog:notANumber', { option, value }));
  return n;
}

/** `value` when given; null for the literal "none" or "" (clears a field in edit); undefined when absent. */
export function clearable(value: string | undefined): string | null | undefined {
  if (value === undefined) return undefined;
  return value === '' || value.toLowerCase() === 'none' ? null : value;
}

/** Writes `text` to `--out FILE` or stdout. */
export function writeOut(io: Io, text: string, out?: string): void {
  if (out) writeFileSync(out, text);
  else io.out(text);
}

/** Options of the item filter shared by `evidence list` and `evidence export`. */
export function filterOptions(cmd: Command): Command {
  return cmd
    .option('--place <place>', 'items tagged with this place or any place within it (sub-places such as a yard in a village, at any depth); id or any name; repeatable = any of them', collect)
    .option('--person <id[:role]>', 'items concerning this person, optionally in a role (repeatable = all of them)', collect)
    .option('--incident <id>', 'items linked to this incident (repeatable = any)', collect)
    .option('--case <id|number>', 'items linked to this case reference (repeatable = any)', collect)
    .option('--tag <tag>', 'items with this free tag (repeatable = any)', collect)
    .option('--kind <kind>', 'image, video, audio, document or other (repeatable = any)', collect)
    .option('--from <date>', 'captured on or after (ISO 8601 date or date-time, camera clock)')
    .option('--to <date>', 'captured on or before this date (whole day) or before this date-time')
    .option('--camera <text>', 'camera make or model word (e.g. Apple, "iPhone 12")')
    .option('--has-gps', 'only items with a usable GPS position')
    .option('--no-gps', 'only items without one')
    .option('--untagged', 'only items with no place, person, incident, case or tag')
    .option('--credentials <state>', 'C2PA Content Credentials: absent (none, or never checked), valid (trusted or not), valid-trusted, valid-untrusted or invalid')
    .option('--search <text>', 'full-text search: descriptions, notes, tags, linked names (any script, case-insensitive)')
    .option('--reel <name>', t('reels:opt_list_reel'), collect);
}

export interface FilterCliOptions {
  place?: string[];
  person?: string[];
  incident?: string[];
  case?: string[];
  tag?: string[];
  kind?: string[];
  from?: string;
  to?: string;
  camera?: string;
  hasGps?: boolean;
  /** commander's --no-gps sets gps: false. */
  gps?: boolean;
  untagged?: boolean;
  search?: string;
  reel?: string[];
  credentials?: string;
}

const KINDS = ['image', 'video', 'audio', 'document', 'other'];

/**
 * The ItemFilter the options describe, every reference resolved to catalog ids. A place name
 * matching several places (e.g. "Көк-Таш": the Batken and Leilek villages) is refused, listing
 * their ids, as `tag` refuses it (resolveOnePlace). Throws UsageError for an unknown or ambiguous
 * reference or value.
 */
export function filterFromOptions(db: Db, o: FilterCliOptions, _io: Io): ItemFilter {
  return usage(() => {
    if (o.hasGps && o.gps === false) throw new Error('--has-gps and --no-gps exclude each other');
    const f: ItemFilter = {};
    if (o.place?.length) {
      // A name two villages share (Көк-Таш: kok-tash-batken, kok-tash-leilek) is refused as tag
      // refuses it: a set for an authority holding the wrong village's media, or a listing read as
      // one village's, is worse than asking for the id.
      f.places = [...new Set(o.place.map((ref) => resolveOnePlace(db, ref).id))];
    }
    if (o.person?.length) f.people = o.person.map((t) => {
      const r = parsePersonRef(t, false);
      return { id: resolvePerson(db, r.id).id, role: r.role };
    });
    if (o.incident?.length) f.incidents = o.incident.map((r) => resolveIncident(db, r).id);
    if (o.case?.length) f.cases = o.case.map((r) => resolveCase(db, r).id);
    if (o.tag?.length) f.tags = o.tag;
    if (o.kind?.length) {
      for (const k of o.kind) if (!KINDS.includes(k)) throw new Error(`--kind ${k}: one of ${KINDS.join(', ')}`);
      f.kinds = o.kind;
    }
    if (o.from !== undefined) {
      checkFilterDate('--from', o.from);
      f.from = o.from;
    }
    if (o.to !== undefined) {
      checkFilterDate('--to', o.to);
      f.to = o.to;
    }
    if (o.camera !== undefined) f.camera = o.camera;
    if (o.hasGps) f.hasGps = true;
    if (o.gps === false) f.hasGps = false;
    if (o.untagged) f.untagged = true;
    if (o.search !== undefined) f.search = o.search;
    if (o.reel?.length) f.reels = o.reel.map((r) => {
      if (!findReel(db, r)) throw new Error(printable(t('reels:not_found', { name: r })));
      return r;
    });
    if (o.credentials !== undefined) {
      if (!(CREDENTIAL_FILTERS as readonly string[]).includes(o.credentials)) throw new Error(printable(`--credentials ${o.credentials}: one of ${CREDENTIAL_FILTERS.join(', ')}`));
      f.credentials = o.credentials as ItemFilter['credentials'];
    }
    return f;
  });
}
