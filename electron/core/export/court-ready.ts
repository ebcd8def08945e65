// Court-ready evidence sets (issue 12): an export that seals the custody chain first, carries a
// custody report and a browser verifier, is signed by the operator's key over its tag manifest,
// and time-stamped by the TSAs asked. Every step runs inside the export's record (before it is
// recorded complete), so a set that verifies always has its export row and dissemination event.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Archive } from '../archive.ts';
import { sealChain, type Seal } from '../custody/seal.ts';
import { buildCustodyReportModel, renderCustodyReportHtml, renderCustodyReportPdf, type ReportLang } from '../report/index.ts';
import { signBag } from '../signing/bag-signature.ts';
import type { SigningKey } from '../signing/keystore.ts';
import { recordExportTimestamps } from '../timestamp/export.ts';
import { requestTimestamps, writeOutcomes, type BagTimestampOutcome } from '../timestamp/bag.ts';
import type { RedactedMedia } from '../redact/release.ts';
import { exportEvidenceSet, type ExportDraft, type ExportOptions, type ExportResult } from './evidence-set.ts';

/** What makes a set court-ready, beyond the plain export's options. */
export interface CourtReadyOptions {
  /** The unlocked signing key; null exports an unsigned, unsealed set (--no-sign). */
  key: SigningKey | null;
  /** The allowed_signers principal and the report's signer; default the key's name. */
  identity?: string;
  /** RFC 3161 TSAs to ask for tokens over the tag manifest (the network is used only when given). */
  tsaUrls?: readonly string[];
  /** Language of the custody report. */
  lang: ReportLang;
  /** Leave the custody report out (tests of other parts; the CLI always writes it). */
  noReport?: boolean;
  /** The report's thumbnails are made from the archive's derivatives folder when there. */
  derivativesDir?: string;
  /** An authority set made with --include-sensitive (the report names people flagged sensitive). */
  includeSensitive?: boolean;
  /** A set for public release: the report leaves out what the set leaves out. */
  redacted?: boolean;
  /** Items shipped as their redacted copies (export --redacted-media): the report describes the copy and names its original. */
  redactedMedia?: RedactedMedia;
  /** Put each video clip's contact sheet into the custody report (report/contact-sheet.ts). */
  contactSheets?: boolean;
  /** The set's names and tags (export/public-names.ts withPublicNames), which the report gives as the set does. */
  publicNames?: { nameOf: (itemId: number) => string | undefined; tagsOf: (itemId: number) => string[] };
}

export interface CourtReadyResult extends ExportResult {
  signer: { fingerprint: string; identity: string } | null;
  /** The seal the excerpt is proven against, or null for an unsigned set. */
  seal: { seq: number; head: string; merkleRoot: string } | null;
  timestamps: { url: string; ok: boolean; genTime?: string; file?: string; error?: string }[];
  /** Tag files the court-ready steps added to the bag. */
  files: string[];
}

/**
 * Absolute path of the shipped in-browser verifier (resources/verify/VERIFY.html, built by
 * `npm run build:verifier`; $EVIDENCE_VERIFY_HTML overrides, as the packaged app sets it), found
 * from the sources or the CLI bundle. Throws Error naming the paths tried when it is missing.
 */
export function verifierHtmlPath(): string {
  if (process.env.EVIDENCE_VERIFY_HTML) return process.env.EVIDENCE_VERIFY_HTML;
  const candidates = ['../../../resources/verify/VERIFY.html', '../../resources/verify/VERIFY.html'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the browser verifier VERIFY.html is missing (looked in ${candidates.join(', ')}); run npm run build:verifier`);
  return found;
}

/**
 * Exports a court-ready evidence set: seals the custody chain's head with `court.key` (sealChain;
 * the excerpt then carries the seal and a completeness proof, docs/seal-and-proof.md), writes the
 * bag (exportEvidenceSet), adds evidence/custody-report.pdf and .html in `court.lang` and
 * VERIFY.html as tag files, signs tagmanifest-sha256.txt (SSHSIG and OpenPGP under signatures/),
 * asks each TSA for an RFC 3161 token over it (a TSA that fails is that TSA's error, never the
 * export's), and only then records the export complete, with the tokens recorded in the same
 * transaction. Without a key nothing is sealed or signed (the caller warns). Throws what
 * exportEvidenceSet throws, SealRefusedError when the archive's chain no longer holds (nothing
 * is exported), and Error when the report or the signature cannot be made (the run is then
 * recorded abandoned and its files removed).
 */
export async function exportCourtReadySet(archive: Archive, opts: ExportOptions, court: CourtReadyOptions): Promise<CourtReadyResult> {
  const key = court.key;
  const identity = (court.identity ?? key?.info.name ?? '').trim() || 'signer';
  const seal: Seal | null = key ? await sealChain(archive.db, archive.dir, key, opts.actor) : null;
  const files: string[] = [];
  let stamped: BagTimestampOutcome[] = [];

  const beforeComplete = async (draft: ExportDraft) => {
    await opts.beforeComplete?.(draft);
    const extra: { path: string; content: string | Buffer }[] = [{ path: 'VERIFY.html', content: readFileSync(verifierHtmlPath()) }];
    if (!court.noReport) {
      const model = await buildCustodyReportModel(archive.db, archive.objectsDir, {
        itemIds: [...draft.itemIds], bagPaths: [...draft.dataPaths], redacted: Boolean(court.redacted), includeSensitive: court.includeSensitive,
        excerptEvents: draft.excerptEvents, withheldSeqs: draft.withheldSeqs, fixityRuns: draft.fixityRuns, lang: court.lang, derivativesDir: court.derivativesDir, derivativeKey: archive.derivativeKey, redactedMedia: court.redactedMedia, contactSheets: court.contactSheets, ...(court.publicNames ? { publicNames: court.publicNames } : {}),
        set: {
          exportId: draft.exportId, createdAt: draft.startedAt, actor: opts.actor, recipient: opts.recipient ?? null,
          organization: opts.organization ?? null, description: opts.description ?? null, manifestSha256: draft.manifestSha256,
          signer: key ? { identity, fingerprint: key.fingerprint } : null,
        },
        signal: opts.signal,
      });
      extra.push({ path: 'evidence/custody-report.html', content: renderCustodyReportHtml(model) });
      extra.push({ path: 'evidence/custody-report.pdf', content: await renderCustodyReportPdf(model) });
    }
    await draft.addTagFiles(extra);
    files.push(...extra.map((f) => f.path));
    if (key) {
      const signed = await signBag(draft.bagDir, key, identity);
      files.push(...signed.files);
    }
    if (court.tsaUrls?.length) {
      stamped = await writeOutcomes(draft.bagDir, await requestTimestamps(court.tsaUrls, Buffer.from(draft.tagManifestSha256, 'hex'), { signal: opts.signal }));
    }
  };

  const result = await exportEvidenceSet(archive, {
    ...opts,
    seal,
    beforeComplete,
    recordWithin: (db, bag) => {
      opts.recordWithin?.(db, bag);
      const tokens = stamped.filter((s) => s.ok && s.result).map((s) => ({ result: s.result!, bagFile: s.file ?? null }));
      if (tokens.length) recordExportTimestamps(db, { exportId: bag.exportId, tagManifestSha256: bag.tagManifestSha256, actor: opts.actor, tokens });
    },
  });
  return {
    ...result,
    signer: key ? { fingerprint: key.fingerprint, identity } : null,
    seal: seal ? { seq: seal.seq, head: seal.head, merkleRoot: seal.merkleRoot } : null,
    timestamps: stamped.map((s) => ({ url: s.url, ok: s.ok, ...(s.genTime ? { genTime: s.genTime } : {}), ...(s.file ? { file: s.file } : {}), ...(s.error ? { error: s.error } : {}) })),
    files,
  };
}
