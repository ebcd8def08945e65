import type { Command } from 'commander';
import { collect } from './options.ts';
import { resolveOperator } from '../../core/archive.ts';
import { timestampExport, UnknownExportError } from '../../core/timestamp/export.ts';
import { resolveTsaUrls } from '../../core/timestamp/urls.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { errLine, outLine } from './text.ts';
import { t } from '../i18n/index.ts';


/**
 * `evidence timestamp --export ID [--tsa URL]...`: RFC 3161 tokens over an export's recorded
 * tag-manifest SHA-256, added after the fact (documenters are often offline when they export).
 * TSAs from --tsa, else $EVIDENCE_TSA (comma-separated). One line per TSA; exit 0 when at least
 * one token was obtained and recorded, 1 when none was, 2 for an unknown export or no TSA.
 */
export const timestampCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('timestamp'))
      .requiredOption('--export <id>', 'export id printed by `evidence export`')
      .option('--tsa <url>', 'time-stamping authority (RFC 3161 over HTTP/HTTPS); repeat for several (default: $EVIDENCE_TSA, comma-separated)', collect)
      .option('--timeout <seconds>', 'give up on a TSA after this long (default 15)')
      .option('--operator <name>', 'who asks (custody log; default $EVIDENCE_OPERATOR or the OS user)')
      .option('--json', 'print as JSON')
      .description('add trusted timestamps (RFC 3161) to an export: asks each TSA for a token over the set\'s tag manifest, records it in the archive\'s ' +
        'custody log, and writes it into the bag\'s signatures/ when the bag is still on disk unchanged. Uses the network.'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; export: string; tsa?: string[]; timeout?: string; operator?: string; json?: boolean };
    const urls = resolveTsaUrls(o.tsa);
    if (!urls.length) throw new UsageError(t('timestamp:noTsa'));
    let timeoutMs: number | undefined;
    if (o.timeout !== undefined) {
      const s = Number(o.timeout);
      if (!Number.isFinite(s) || s <= 0) throw new UsageError(t('timestamp:badTimeout', { value: o.timeout }));
      timeoutMs = Math.round(s * 1000);
    }
    return withArchive(o, { write: true }, async (a) => {
      let r;
      try {
        r = await timestampExport(a, o.export, urls, resolveOperator(o.operator), { signal: io.signal, ...(timeoutMs ? { timeoutMs } : {}) });
      } catch (e) {
        if (e instanceof UnknownExportError) throw new UsageError(e.message);
        throw e;
      }
      const got = r.outcomes.filter((x) => x.ok);
      if (o.json) {
        printJson(io, {
          exportId: r.exportId, tagManifestSha256: r.tagManifestSha256, bagDir: r.bagDir, bagWritten: r.bagWritten, ...(r.bagReason ? { bagReason: r.bagReason } : {}),
          timestamps: r.outcomes.map((x) => ({
            tsa: x.url, ok: x.ok,
            ...(x.result ? { genTime: x.result.genTime, serial: x.result.serial, policy: x.result.policy, tsaName: x.result.tsaName ?? null, tokenSha256: x.result.tokenSha256,
              rootIncluded: x.result.rootIncluded, ...(x.result.note ? { note: x.result.note } : {}) } : {}),
            ...(x.file ? { file: x.file } : {}), ...(x.event ? { event: x.event.seq } : {}),
            ...(x.error && !x.ok ? { error: x.error } : {}), ...(x.bagError ? { bagError: x.bagError } : {}),
          })),
        });
      } else {
        for (const x of r.outcomes) {
          if (x.ok && x.result) {
            outLine(io, `OK   ${x.result.tsa}: ${x.result.genTime}${x.result.tsaName ? ` by ${x.result.tsaName}` : ''}, serial ${x.result.serial}; custody event #${x.event?.seq}` +
              (x.file ? `; written to ${x.file}` : ''));
            if (x.result.note) outLine(io, `     note: ${x.result.note}`);
            if (x.bagError) outLine(io, `     ${x.bagError}`);
          } else {
            outLine(io, `FAIL ${x.error ?? x.url}`);
          }
        }
        if (!r.bagWritten && r.bagReason && got.length) outLine(io, `note: ${r.bagReason}`);
        outLine(io, t('timestamp:summary', { verdict: got.length ? t('verify:verdict.ok') : t('verify:verdict.failed'), got: got.length, of: t('n.tsa', { count: urls.length }), exportId: r.exportId, sha: r.tagManifestSha256 }));
      }
      if (!got.length) errLine(io, `evidence: ${t('timestamp:none')}`);
      return got.length ? 0 : 1;
    });
  },
};
