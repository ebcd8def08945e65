// The desktop app's export job (issue 12): a court-ready evidence set made as the CLI's `export`
// makes it: the key chosen in the window unlocked in this thread for this job only, the custody
// chain sealed, the bag signed and time-stamped, the custody report in the language asked.
import { join, resolve } from 'node:path';
import type { JobRequest, Language } from '../../common/ipc.ts';
import type { Archive } from '../archive.ts';
import { planPublicRelease, publicReleaseRecord, type PublicReleasePlan } from '../catalog/public-release.ts';
import { exportCourtReadySet } from '../export/court-ready.ts';
import { recoverInterruptedExports } from '../export/recovery.ts';
import type { JobSpec } from '../jobs/runner.ts';
import { listKeys, resolveKey, unlockKey, type SigningKey } from '../signing/keystore.ts';
import type { CatalogAdapter } from './catalog-adapter.ts';
import { ServiceError } from './errors.ts';
import { orderedItemIds } from './items-query.ts';
import { getItem } from '../db/items.ts';
import { leftOutRecord, redactedRelease, unredactableItems, withLeftOut } from '../redact/release.ts';
import { withPublicNames } from '../export/public-names.ts';
import { listedItems } from '../catalog/records.ts';

export type ExportRequest = Extract<JobRequest, { kind: 'export' }>;

/** What the export job needs from the service, read when the job runs. */
export interface ExportJobDeps {
  /** The custody actor (the operator setting, else the OS user). */
  operator(): string;
  /** The open archive's case catalog adapter, or null. */
  catalog(): CatalogAdapter | null;
  /** The keys folder. */
  keysDir(): string;
  /** The report language when the request gives none (the app's language). */
  defaultLang(): Language;
}

/**
 * The unlocked key for an export, or null for an unsigned set: `sign` false is the user's explicit
 * choice (the request's `unsigned`); absent, the set is unsigned only when the keystore at `dir` holds no key (as the CLI
 * without --key); with a key there it is a FAILED error asking for a choice, so that no set is
 * unsigned by accident. Throws UnknownKeyError for a key that is not there and
 * WrongPassphraseError (the IPC's WRONG_PASSPHRASE) when the passphrase does not unlock it.
 */
export async function signingKeyForExport(sign: { key: string } | false | undefined, passphrase: string | null, dir: string): Promise<SigningKey | null> {
  if (sign === false) return null;
  if (sign === undefined) {
    if (listKeys(dir).length === 0) return null;
    throw new ServiceError('FAILED', 'choose the signing key for this set, or export it unsigned: a signing key exists, and a set is never left unsigned without your choice');
  }
  if (passphrase === null) throw new ServiceError('FAILED', `the passphrase of the key "${sign.key}" was already used by this job; start the export again`);
  return unlockKey(resolveKey(sign.key, dir), passphrase);
}

/**
 * The job spec of an export request: recovers what a killed export left (recoverInterruptedExports),
 * chooses the items (ids, or the items `filter` matches now), plans a public release
 * (planPublicRelease) and, with `redactedMedia`, ships the items' redacted copies in place of
 * their originals where one exists (redactedRelease), then writes a court-ready set (exportCourtReadySet) in a new folder
 * `evidence-set-<UTC stamp>` inside `outDir`. The passphrase is taken out of the request before
 * the spec is made and dropped as soon as the key is unlocked, when the job starts: the runner
 * keeps finished specs, and a passphrase must outlive only the unlocking. Errors reach the job's
 * `failed` state: ServiceError FAILED for an empty selection, a public release that cannot be
 * made, or a missing signing choice; WrongPassphraseError; whatever the export throws.
 */
export function exportJobSpec(a: Archive, request: ExportRequest, deps: ExportJobDeps): JobSpec {
  const { sign, ...req } = request;
  const signChoice = sign ? { key: sign.key } : req.unsigned ? false : undefined;
  let passphrase: string | null = sign ? sign.passphrase : null;
  // The parsed request is this call's own object: the passphrase is blanked in it too.
  if (sign) sign.passphrase = '';
  return {
    kind: 'export', exclusive: true,
    run: async (ctx) => {
      const secret = passphrase;
      passphrase = null;
      // Unlocked first: a wrong passphrase fails the job before anything is written.
      const key = await signingKeyForExport(signChoice, secret, deps.keysDir());
      const actor = deps.operator();
      // As the CLI's export: what a killed export left is finished or removed first.
      const recovered = (await recoverInterruptedExports(a, { actor }))
        .map(({ exportId, bagDir, outcome, removed, done, problems }) => ({ exportId, bagDir, outcome, removed, done, problems }));
      let ids = req.itemIds ?? orderedItemIds(a.db, req.filter!, { by: 'id', dir: 'asc' });
      if (!ids.length) throw new ServiceError('FAILED', 'nothing to export: the selection holds no items');
      // As the CLI's export: a public release leaves out the media of the people it withholds,
      // except the items the user chose to send, each by name.
      let plan: PublicReleasePlan | null = null;
      if (req.redactPeople) {
        try {
          plan = planPublicRelease(a.db, ids, req.includeWithheldMedia ?? []);
        } catch (e) {
          throw new ServiceError('FAILED', `public release: ${(e as Error).message}`);
        }
        ids = plan.ids;
      }
      // As the CLI's `export --redacted-media`: an item no redacted copy can be made of (an XMP
      // sidecar, audio, a PDF) may carry GPS, serials or names; it is left out, never sent as received.
      const leftOut = req.redactedMedia ? unredactableItems(a.db, ids) : [];
      if (leftOut.length) {
        ids = ids.filter((id) => !leftOut.some((l) => l.id === id));
        if (!ids.length) throw new ServiceError('FAILED', `redacted copies: no item chosen can be redacted (${leftOut.map((l) => l.mime ?? 'unknown type').join(', ')}); nothing was exported`);
      }
      // The destination is a folder the user chose; the bag is a new folder inside it.
      const stamp = new Date().toISOString().replace(/[-:]/gu, '').replace('T', '-').slice(0, 15);
      const outDir = join(resolve(req.outDir), `evidence-set-${stamp}`);
      // As the CLI's export: the catalog's extras decide what a public release leaves out.
      let extras = deps.catalog()?.exportExtras(ids, {
        includeSensitive: req.includeSensitive, redactPeople: req.redactPeople, archiveDir: a.dir, withheldMedia: plan?.withheld,
      });
      // Without them the set would be a full one: never hand that out as a public release.
      if (req.redactPeople && !extras) throw new ServiceError('FAILED', 'a public release needs the case catalog, which this archive does not have open');
      // As the CLI's `export --redacted-media`: redacted copies in place of their originals (where one exists; the screen said which do not).
      const redacted = req.redactedMedia && extras ? redactedRelease(a.db, ids, extras, (id) => getItem(a.db, id)!.record.sha256) : null;
      if (redacted) extras = withLeftOut(redacted.extras, leftOut);
      // As the CLI's export: neutral names for redacted copies (their tags left out), and no file
      // name or tag naming a protected person in any public set (export/public-names.ts).
      const names = extras && (req.redactPeople || redacted)
        ? withPublicNames(a.db, listedItems(a.db, ids.map((id) => getItem(a.db, id)!)), extras, {
          copies: new Map([...(redacted?.media ?? new Map()).entries()].map(([id, d]) => [id, d.mime])), publicRelease: Boolean(req.redactPeople),
        })
        : null;
      if (names) extras = { ...extras, ...names.extras };
      const report = await exportCourtReadySet(a, {
        itemIds: ids, outDir, actor, recipient: req.recipient || undefined, organization: req.organization || undefined,
        description: req.description || undefined, zip: req.zip,
        selection: { ...(req.itemIds ? { items: req.itemIds } : { filter: req.filter }), ...(plan ? { publicRelease: publicReleaseRecord(plan) } : {}), ...(redacted ? redacted.selection : {}), ...leftOutRecord(leftOut) },
        extras, signal: ctx.signal, onProgress: ctx.progress,
      }, {
        key, tsaUrls: req.tsaUrls ?? [], lang: req.lang ?? deps.defaultLang(), redacted: req.redactPeople,
        includeSensitive: req.includeSensitive, derivativesDir: a.derivativesDir, ...(redacted ? { redactedMedia: redacted.media } : {}), ...(names ? { publicNames: names } : {}),
      });
      return {
        kind: 'export',
        report: {
          ...report, redactPeople: req.redactPeople, withheldMedia: plan?.withheld ?? [], includedWithheldMedia: plan?.included ?? [],
          ...(leftOut.length ? { leftOutUnredacted: leftOut.map(({ id, sha256, fileName, mime, reason, reasonText }) => ({ id, sha256, fileName, mime, reason, reasonText })) } : {}),
          ...(recovered.length ? { recovered } : {}),
        },
      };
    },
  };
}
