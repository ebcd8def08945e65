import type { Command } from 'commander';
import { verifyReceivedSet } from '../../core/verify/bag-trust.ts';
import { readFileSync, statSync } from 'node:fs';
import { printJson, UsageError, type Io } from '../io.ts';
import type { CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { t } from '../i18n/index.ts';
import { checkDetail, checkName, prefix, problemText, verdictText } from './verify-bag-words.ts';

/** "SHA256:" + 43 base64 characters (padding and the prefix optional), or 40 hex digits (spaces allowed). */
function isFingerprint(s: string): boolean {
  const t = s.replace(/\s+/gu, '');
  return /^[0-9a-f]{40}$/iu.test(t) || /^(SHA256:)?[A-Za-z0-9+/]{43}=?$/u.test(t);
}

/** The custody log excerpt of a set, where its chain, seal proof and fixity run proofs are. */
const CUSTODY_FILE = 'evidence/custody.json';

/**
 * What the failed integrity check is about, by where its problems were found: the payload and tag
 * files, the custody log excerpt and its proofs (evidence/custody.json), or both; "files" when it holds.
 */
function filesLabel(ok: boolean, problems: readonly { file?: string; seq?: number }[]): string {
  if (ok) return t('f15b:bag.filesLabel');
  const inFiles = problems.filter((p) => p.file !== undefined || p.seq !== undefined);
  const custody = inFiles.filter((p) => p.file === CUSTODY_FILE || (p.file === undefined && p.seq !== undefined)).length;
  if (custody && custody === inFiles.length) return t('f15b:bag.custodyLabel');
  return custody ? t('f15b:bag.bothLabel') : t('f15b:bag.filesLabel');
}

export const verifyBagCommand: CliCommand = {
  define: (p: Command) =>
    p.command('verify-bag').argument('<dir>', 'an exported bag folder')
      .option('--expect-key <fingerprint>', 'the fingerprint the sender gave you (SHA256:…, as `evidence key create` printed it): the set must be signed by that key')
      .option('--tsa-ca <file>', 'PEM of the time-stamping authorities you trust (default: the chain the bag carries, which proves less)')
      .option('--json', 'print the report as JSON')
      .description('check a received evidence set: manifests, tag manifests, Payload-Oxum, the custody excerpt and its seal, the signatures and the timestamps. ' +
        'Exit 0 only when every check holds (signed by the expected key, sealed, time-stamped); 5 when every file is intact but something that proves who made it or when is missing; 1 when a check fails'),
  async run([dir, opts]: unknown[], io: Io) {
    const o = opts as { json?: boolean; expectKey?: string; tsaCa?: string };
    const path = dir as string;
    let st;
    try {
      st = statSync(path);
    } catch {
      throw new UsageError(t('verifyBag:noFolder', { path }));
    }
    if (!st.isDirectory()) {
      throw new UsageError(/\.zip$/i.test(path)
        ? t('verifyBag:zipped', { path })
        : t('verifyBag:notFolder', { path }));
    }
    // The recipient's own inputs: a mistake in them is theirs to correct (exit 2), not the set's fault.
    if (o.expectKey !== undefined && !isFingerprint(o.expectKey)) {
      throw new UsageError(t('verifyBag:badKey', { key: o.expectKey }));
    }
    let tsaCaPem: string | undefined;
    if (o.tsaCa !== undefined) {
      try {
        tsaCaPem = readFileSync(o.tsaCa, 'utf8');
      } catch (e) {
        throw new UsageError(t('verify-bag-words:tsaCaUnreadable', { file: o.tsaCa, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message }));
      }
      if (!tsaCaPem.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(t('verify-bag-words:tsaCaNoPem', { file: o.tsaCa }));
    }
    const r = await verifyReceivedSet(path, { signal: io.signal, expectKey: o.expectKey, tsaCaPem });
    const code = r.verdict.level === 'valid' ? 0 : r.verdict.level === 'intact-unproven' ? 5 : 1;
    if (o.json) printJson(io, r);
    else {
      // A received bag is someone else's: its file names and manifest lines are untrusted text.
      // Each line from the code the core gives, in the reader's words (verify-bag-words.ts).
      const where = (p: (typeof r.problems)[number]) => [p.file, p.seq !== undefined ? t('f15b:bag.custodyRow', { seq: p.seq }) : undefined].filter(Boolean).join(' ');
      const fail = prefix({ ok: false });
      for (const p of r.problems) outLine(io, `${fail}${where(p) ? ` ${where(p)}` : ''}: ${problemText(p)}`);
      const first = r.problems[0] ? `${where(r.problems[0]) ? `${where(r.problems[0])}: ` : ''}${problemText(r.problems[0])}` : null;
      for (const c of r.checks) outLine(io, `${prefix(c)} ${c.code === 'files' ? filesLabel(c.ok, r.problems) : checkName(c.code, c.params, c.name)}: ${checkDetail(c, first)}`);
      outLine(io, `${t(`verifyBag:verdict.${r.verdict.level}`)}: ${r.bagDir}: ${t('n.payloadFile', { count: r.payloadFiles })}, ${t('n.byte', { count: r.payloadBytes })}, ${t('n.problem', { count: r.problems.length })}` +
        `${r.tagManifestSha256 ? t('verifyBag:tagManifest', { sha: r.tagManifestSha256 }) : ''}`);
      outLine(io, verdictText(r.verdict));
    }
    return code;
  },
};
