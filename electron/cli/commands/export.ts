import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { catalogExportExtras } from '../../core/catalog/export-extras.ts';
import { filterItemIds, isFilterEmpty } from '../../core/catalog/filters.ts';
import { planPublicRelease, publicReleaseRecord, withheldFromPublicRelease, type PublicReleasePlan } from '../../core/catalog/public-release.ts';
import type { WithheldMedia } from '../../common/public-release.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import type { Db } from '../../core/db/open.ts';
import { ExportTargetError } from '../../core/export/evidence-set.ts';
import { exportCourtReadySet } from '../../core/export/court-ready.ts';
import { REPORT_LANGS, type ReportLang } from '../../core/report/index.ts';
import { resolveTsaUrls } from '../../core/timestamp/urls.ts';
import { signingKeyFor } from '../signing-key.ts';
import { recoverInterruptedExports, type ExportRecovery } from '../../core/export/recovery.ts';
import { resolve } from 'node:path';
import { printJson, UsageError, type Io } from '../io.ts';
import { collect, filterFromOptions, filterOptions, usage, type FilterCliOptions } from './catalog-shared.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine, printable, count } from './text.ts';
import { mhlCreator, parseMhlFormats } from './mhl.ts';
import { mhlBagStep } from '../../core/mhl/export-step.ts';
import type { MhlWriteResult } from '../../core/mhl/write.ts';
import { basename } from 'node:path';
import { t as tr } from '../i18n/index.ts';
import { planRedactedExport, redactedMediaExtras } from './export-redacted.ts';
import { withPublicNames, type PublicNames } from '../../core/export/public-names.ts';
import { namesFreeVideoKeys } from '../../core/redact/video-strip.ts';
import { listedItems } from '../../core/catalog/records.ts';
import { getItem } from '../../core/db/items.ts';

export interface ExportCliOptions extends FilterCliOptions {
  archive?: string;
  includeSensitive?: boolean;
  contactSheets?: boolean;
  redactPeople?: boolean;
  out: string;
  all?: boolean;
  item?: string[];
  recipient?: string;
  organization?: string;
  description?: string;
  operator?: string;
  zip?: boolean;
  json?: boolean;
  includeWithheldMedia?: string[];
  key?: string;
  /** commander's --no-sign: false when given. */
  sign?: boolean;
  tsa?: string[];
  lang?: string;
  mhl?: boolean;
  mhlHash?: string;
  redactedMedia?: boolean;
  redactMissing?: boolean;
  keepFileNames?: boolean;
  keepTags?: boolean;
}

const itemLine = (w: WithheldMedia) => `item ${w.id} ${w.fileName}: ${w.reasonText}`;

/**
 * The public-release plan of `ids` (planPublicRelease) with the items of `includeRefs` sent on
 * request, telling stderr each item left out and each sent on request, and why. UsageError for a
 * reference that names no item or one not in `ids`, and when every item would be left out.
 */
function planRelease(db: Db, ids: number[], includeRefs: string[], io: Io): PublicReleasePlan {
  const include = includeRefs.map((ref) => {
    try {
      const id = resolveItemRef(db, ref).id;
      if (!ids.includes(id)) throw new Error(`item ${id} is not among the items chosen for this set`);
      return id;
    } catch (e) {
      throw new UsageError(printable(`export: --include-withheld-media ${ref}: ${(e as Error).message}`));
    }
  });
  const all = withheldFromPublicRelease(db, ids);
  for (const w of all) if (!include.includes(w.id)) errLine(io, `withheld: ${itemLine(w)}`);
  const notWithheld = include.filter((id) => !all.some((w) => w.id === id));
  if (notWithheld.length) errLine(io, `note: --include-withheld-media: ${notWithheld.map((id) => `item ${id}`).join(', ')} ${notWithheld.length === 1 ? 'is' : 'are'} not withheld; nothing to opt in to`);
  let plan: PublicReleasePlan;
  try {
    plan = planPublicRelease(db, ids, include);
  } catch (e) {
    throw new UsageError(`export --redact-people: ${printable((e as Error).message)}. Choose other items, or send some of these anyway, ` +
      'each by name, with --include-withheld-media ITEM...');
  }
  for (const w of plan.included) errLine(io, `included on request (--include-withheld-media): ${itemLine(w)}`);
  if (plan.withheld.length) {
    errLine(io, `note: ${count(plan.withheld.length, 'item')} left out of this public release (listed above as withheld: each is linked to a person ` +
      'flagged sensitive or whose consent to publication is not given); bag-info.txt gives only their number and reasons. ' +
      'To send one anyway: --include-withheld-media ITEM');
  }
  return plan;
}

/**
 * The custody report's language: --lang, else $EVIDENCE_LANG, else the system locale ($LC_ALL,
 * $LC_MESSAGES, $LANG: "ru_RU.UTF-8" gives ru, "ky_KG" ky), else en. Throws UsageError for a
 * --lang that is not en, ru or ky.
 */
export function reportLang(given: string | undefined, env: NodeJS.ProcessEnv = process.env): ReportLang {
  if (given !== undefined) {
    if (!(REPORT_LANGS as readonly string[]).includes(given)) throw new UsageError(`export --lang ${given}: give en, ru or ky`);
    return given as ReportLang;
  }
  for (const v of [env.EVIDENCE_LANG, env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    const code = v?.slice(0, 2).toLowerCase();
    if (code && (REPORT_LANGS as readonly string[]).includes(code)) return code as ReportLang;
  }
  return 'en';
}

export const exportCommand: CliCommand = {
  define: (p: Command) =>
    filterOptions(archiveOption(p.command('export')))
      .requiredOption('--out <dir>', 'bag folder to create (must not exist, or be empty; never inside the archive folder)')
      .option('--all', 'export every item (not with --item or filters)')
      .option('--item <items...>', 'items to export (catalog ids or SHA-256 prefixes); with filters, only those of them that match')
      .option('--recipient <name>', 'who the set is for (recorded in bag-info.txt and the custody log)')
      .option('--organization <name>', 'Source-Organization for bag-info.txt')
      .option('--description <text>', 'External-Description for bag-info.txt')
      .option('--operator <name>', 'who exports (custody log)')
      .option('--zip', 'also write <out>.zip (RFC 8493 §4 serialization; <out>.zip must not exist)')
      .option('--include-sensitive', 'put full records of people flagged sensitive in evidence/people.json (default: pseudonym only)')
      .option('--redact-people', 'for public release: evidence/people.json as the redacted register (pseudonyms, no names; only people whose consent is "given"); ' +
        'user-added places under a pseudonymous id, without names or district, rounded to 0.1°; source folder paths and items\' ' +
        'descriptions and notes left out; seed villages as shipped in the gazetteer (never as edited); incidents without titles ' +
        'or descriptions, cases by id and opening date only; custody events naming people or a recipient (transfers, exports for a named ' +
        'recipient), recording a source path (every ingestion), carrying a description or notes, or naming a user-added place left out. ' +
        'File names and tags that name a person flagged sensitive or whose consent is not "given" are withheld (the item\'s file is then named item-<id>.<ext>), as are ' +
        'custody events carrying them. Still in the set unless --redacted-media: items\' exact GPS (evidence/items.json and the originals\' own EXIF), ' +
        'the camera serial number, the other tags and file names')
      .option('--include-withheld-media <items...>', 'with --redact-people: send these items (catalog ids or SHA-256 prefixes) although ' +
        'they are linked to a person flagged sensitive or whose consent to publication is not "given" (left out by default); ' +
        'each is recorded in the custody log')
      .option('--redacted-media', 'ship each item\'s newest redacted copy (evidence redact) instead of its original; items.json and the custody report name the original by SHA-256. ' +
        'Items without one are refused, listed (see --redact-missing); items no copy can be made of (XMP sidecars, audio, PDFs, text) are left out, named, and the set says so')
      .option('--redact-missing', 'with --redacted-media: make the missing redacted copies first (metadata stripped, faces blurred)')
      .option('--keep-file-names', tr('export:optKeepFileNames'))
      .option('--keep-tags', tr('export:optKeepTags'))
      .option('--key <name>', 'the signing key (evidence key create); default: $EVIDENCE_KEY, or the only key. Its passphrase: $EVIDENCE_KEY_PASSPHRASE, else asked')
      .option('--no-sign', 'do not sign or seal the set (a recipient cannot then tell who made it; not for a court)')
      .option('--tsa <url>', 'RFC 3161 time-stamping authority to ask for a token over the tag manifest; repeat for several (default: $EVIDENCE_TSA, comma-separated; the network is used only then)', collect)
      .option('--lang <lang>', 'language of evidence/custody-report.pdf and .html: en, ru or ky (default: $EVIDENCE_LANG, else the system language, else en)')
      .option('--mhl', 'also write an ASC MHL v2.0 history of the payload: ascmhl/ beside data/ (xxh128; see --mhl-hash)')
      .option('--mhl-hash <list>', 'with --mhl: hash formats besides xxh128 (c4,md5,sha1,xxh3,xxh64)')
      .option('--contact-sheets', tr('library:optContactSheets'))
      .option('--json', 'print the result as JSON')
      .description('export an evidence set as a BagIt 1.0 bag with manifests and a custody excerpt. Choose the items with ' +
        'exactly one of: --all; --item ID...; filters (--place, --person, ...); or --item with filters (the given items that match). ' +
        '--all with --item or with filters is refused as ambiguous.'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as ExportCliOptions;
    if (o.out.trim() === '') throw new UsageError(tr('export:giveOut'));
    if (o.all && o.item?.length) throw new UsageError(tr('export:allOrItem'));
    if (o.includeWithheldMedia?.length && !o.redactPeople) throw new UsageError('export: --include-withheld-media applies to a public release (--redact-people) only; a full set leaves no item out');
    if (o.redactMissing && !o.redactedMedia) throw new UsageError('export: --redact-missing applies with --redacted-media only');
    if ((o.keepFileNames || o.keepTags) && !o.redactedMedia) throw new UsageError(tr('export:keepOnlyWithRedactedMedia'));
    if (o.redactPeople && o.includeSensitive) throw new UsageError('export: choose --redact-people (a public release, which never names people flagged sensitive) or --include-sensitive (a full set), not both');
    const lang = reportLang(o.lang);
    if (o.mhlHash && !o.mhl) throw new UsageError('export: --mhl-hash applies with --mhl');
    const mhlFormats = o.mhl ? parseMhlFormats(o.mhlHash) : null;
    // The passphrase is asked before the archive's write lock is taken: a prompt left open must not lock others out.
    const signing = await signingKeyFor(io, { key: o.key, noSign: o.sign === false, purpose: 'signing the evidence set' });
    const tsaUrls = resolveTsaUrls(o.tsa);
    return withArchive(o, { write: true }, async (a) => {
      // What a killed export left is dealt with first: its "<out>.partial" may be this run's target.
      const recovered = await recoverInterruptedExports(a, { actor: resolveOperator(o.operator) });
      reportRecoveries(io, recovered);
      const finishedHere = recovered.find((r) => r.outcome === 'finished' && r.bagDir === resolve(o.out));
      if (finishedHere) {
        throw new UsageError(printable(`export --out ${resolve(o.out)}: holds export ${finishedHere.exportId}, which was interrupted and is finished now; ` +
          'nothing new was exported (choose another --out for a new set)'));
      }
      const filter = filterFromOptions(a.db, o, io);
      const filtered = !isFilterEmpty(filter);
      // "--all --place X" could mean every item or only X's; exporting the wrong set to an authority is worse than asking.
      if (o.all && filtered) throw new UsageError(tr('export:allOrFilters'));
      if (!o.all && !o.item?.length && !filtered) throw new UsageError(tr('export:chooseItems'));
      let ids: number[];
      try {
        const chosen = o.item?.length ? o.item.map((ref) => resolveItemRef(a.db, ref).id) : null;
        const matching = filtered ? new Set(filterItemIds(a.db, filter)) : null;
        ids = chosen ? chosen.filter((id) => !matching || matching.has(id))
          : matching ? [...matching]
          : (a.db.prepare('SELECT id FROM items ORDER BY id').all() as { id: number }[]).map((r) => r.id);
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      if (!ids.length) throw new UsageError(filtered ? tr('export:noMatch') : tr('export:noItems'));
      // A public release leaves out the media of the people it withholds, item by item, saying which and why.
      const plan = o.redactPeople ? planRelease(a.db, ids, o.includeWithheldMedia ?? [], io) : null;
      if (plan) ids = plan.ids;
      // Before the extras, so that they describe only the items sent: what cannot be redacted is left out.
      const redactedPlan = o.redactedMedia ? await planRedactedExport(a, ids, { redactMissing: o.redactMissing, actor: resolveOperator(o.operator), signal: io.signal }, io) : null;
      if (redactedPlan) ids = redactedPlan.ids;
      let extras = usage(() => catalogExportExtras(a.db, ids, {
        includeSensitive: o.includeSensitive, redactPeople: o.redactPeople, archiveDir: a.dir, withheldMedia: plan?.withheld,
      }));
      const redacted = redactedPlan ? redactedMediaExtras(a, redactedPlan, extras) : null;
      if (redacted) extras = { ...extras, ...redacted.extras };
      // Names and tags: neutral file names for redacted copies, and none naming a protected person in any public set.
      let names: PublicNames | null = null;
      if (o.redactPeople || redacted) {
        names = withPublicNames(a.db, listedItems(a.db, ids.map((id) => getItem(a.db, id)!)), extras, {
          copies: new Map([...(redacted?.media ?? new Map()).entries()].map(([id, d]) => [id, d.mime])), publicRelease: Boolean(o.redactPeople),
          keepFileNames: o.keepFileNames, keepTags: o.keepTags,
        });
        extras = { ...extras, ...names.extras };
        const w = names.withheld;
        if (w.fileNames || w.tags) errLine(io, tr('export:namesWithheld', { names: w.fileNames, tags: w.tags }));
        // Copies made before keys were counted: their redaction events name every key removed, and the log cannot be edited.
        const freeKeys = [...(redacted?.media ?? new Map()).entries()].filter(([, d]) => namesFreeVideoKeys(d.removed)).map(([id]) => id);
        if (freeKeys.length) errLine(io, tr('export:freeKeys', { items: freeKeys.join(', ') }));
      }
      const selection: Record<string, unknown> = {
        ...(o.all ? { all: true } : { ...(o.item?.length ? { items: o.item } : {}), ...(filtered ? { filter } : {}) }),
        ...(plan ? { publicRelease: publicReleaseRecord(plan) } : {}),
        ...(redacted ? redacted.selection : {}),
      };
      const withheld = extras.summary.withheld;
      if (withheld && o.redactPeople) {
        errLine(io, `note: ${count(withheld, 'person', 'people')} left out of evidence/people.json (flagged sensitive, or consent to publication not given); ` +
          'the others appear there by pseudonym only, and items.json refers to them by pseudonym and leaves out those left out here');
      } else if (withheld) {
        errLine(io, tr('export:sensitivePseudonym', { count: withheld }));
      }
      let r;
      let mhl: MhlWriteResult | null = null;
      // The history is written first among the steps on the unfinished bag, so the signature covers its generation file.
      const mhlStep = mhlFormats ? mhlBagStep({ formats: mhlFormats, creator: mhlCreator(resolveOperator(o.operator), Boolean(o.redactPeople)), folderName: basename(resolve(o.out)), done: (w) => (mhl = w) }) : undefined;
      try {
        r = await exportCourtReadySet(a, {
          itemIds: ids, outDir: o.out, actor: resolveOperator(o.operator), recipient: o.recipient, organization: o.organization,
          description: o.description, zip: o.zip, selection, signal: io.signal, extras, ...(mhlStep ? { beforeComplete: mhlStep } : {}),
        }, { key: signing.key, tsaUrls, lang, redacted: Boolean(o.redactPeople), includeSensitive: o.includeSensitive, derivativesDir: a.derivativesDir, redactedMedia: redacted?.media, contactSheets: Boolean(o.contactSheets), ...(names ? { publicNames: names } : {}) });
      } catch (e) {
        if (e instanceof ExportTargetError) throw new UsageError(printable(e.message));
        throw e;
      }
      // Said once the set exists, about the set: a refused export has nothing to warn about.
      if (signing.why === 'no-sign') errLine(io, tr('export:warnNoSign'));
      else if (signing.why === 'no-key') errLine(io, tr('export:warnNoKey'));
      if (o.json) printJson(io, { ...r, ...(mhl ? { mhl } : {}), ...(plan ? { withheldMedia: plan.withheld, includedWithheldMedia: plan.included } : {}),
        ...(redactedPlan?.leftOut.length ? { leftOutUnredacted: redactedPlan.leftOut } : {}), ...(recovered.length ? { recovered } : {}),
        ...(names ? { namesWithheld: names.withheld } : {}) });
      else {
        outLine(io, tr('export:exported', { items: tr('n.item', { count: r.items }), bag: r.bagDir, exportId: r.exportId, oxum: r.payloadOxum }));
        if (r.zip) outLine(io, tr('export:zip', { path: r.zip.zipPath, sha: r.zip.sha256 }));
        outLine(io, tr('export:tagManifest', { sha: r.tagManifestSha256 }));
        if (mhl) outLine(io, printable(`ASC MHL: ${(mhl as MhlWriteResult).generationPath} (C4 ${(mhl as MhlWriteResult).c4})`));
        if (r.signer) {
          outLine(io, printable(tr('export:signed', { fingerprint: r.signer.fingerprint, identity: r.signer.identity, seq: r.seal!.seq })));
          outLine(io, tr('export:giveFingerprint'));
        }
        for (const t of r.timestamps) {
          if (t.ok) outLine(io, printable(tr('export:timestamp', { url: t.url, time: t.genTime, file: t.file })));
          else errLine(io, printable(tr('export:timestampFailed', { error: t.error, exportId: r.exportId })));
        }
      }
      return 0;
    });
  },
};

/**
 * One stderr line per export run found unfinished (recoverInterruptedExports): what was removed or
 * finished, what was left in place and why. Prints nothing for an empty list.
 */
export function reportRecoveries(io: Io, recovered: ExportRecovery[]): void {
  for (const r of recovered) {
    const left = r.left.length ? `; left in place: ${r.left.map((l) => `${l.path} (${l.why})`).join(', ')}` : '';
    if (r.outcome === 'abandoned' && r.found === 'in_progress') {
      errLine(io, printable(`note: export ${r.exportId} was interrupted before the archive recorded it; recorded as abandoned` +
        `${r.removed.length ? `, removed what it had written: ${r.removed.join(', ')}` : ', it had written nothing'}${left}`));
    } else if (r.outcome === 'finished') {
      errLine(io, printable(`note: export ${r.exportId} was interrupted after the archive recorded it; finished it: ${r.done.join('; ') || 'nothing was left to do'}` +
        `${r.removed.length ? `; removed ${r.removed.join(', ')}` : ''}${left}`));
    }
    for (const p of r.problems) errLine(io, printable(`warning: ${p}`));
  }
}
