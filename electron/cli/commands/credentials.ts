// `evidence credentials show ITEM | trust add FILE.pem | trust list | trust remove FINGERPRINT`:
// C2PA Content Credentials (issue 14 §3). `show` validates the item's manifest store again from
// the archived original and records a custody event; `trust` edits the archive's trust anchors.
import type { Command } from 'commander';
import { CREDENTIAL_CODE_WORDS, type CredentialReport } from '../../common/c2pa.ts';
import { resolveOperator } from '../../core/archive.ts';
import { listCustodyEvents } from '../../core/custody/log.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { revalidateCredentials } from '../../core/c2pa/revalidate.ts';
import { addTrustAnchors, listTrustAnchors, removeTrustAnchor } from '../../core/c2pa/store.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

const GROUP = 'credentials';

function group(program: Command): Command {
  return program.commands.find((c) => c.name() === GROUP) ??
    program.command(GROUP).description('C2PA Content Credentials: validate an item\'s manifest again, manage the trust anchors');
}

function trustGroup(program: Command): Command {
  const g = group(program);
  return g.commands.find((c) => c.name() === 'trust') ?? g.command('trust').description('the trust anchors (PEM root certificates) a signer must chain to for valid-trusted');
}

/** An action in plain words of the CLI's language, with its C2PA name ("colour adjustments (c2pa.color_adjustments: brightnesscontrast)"). */
function actionWords(a: CredentialReport['actions'][number]): string {
  const key = `c2pa:act_${a.action.replaceAll('.', '_')}`;
  const said = t(key);
  const words = said === key || said === `act_${a.action.replaceAll('.', '_')}` ? a.action : `${said} (${a.action})`;
  const extra = [a.name, a.description, a.softwareAgent, a.when].filter(Boolean).join(', ');
  return extra ? `${words}: ${extra}` : words;
}

/**
 * The report in plain words, one "label  value" line each, in the CLI's language (status code
 * explanations in English, after the code's C2PA name). Used by `show` and `credentials show`.
 */
export function credentialLines(rep: CredentialReport): string[] {
  // Labels padded to the longest of the language, so the values line up in Russian and Kyrgyz too.
  const width = Math.max(12, ...['verdict', 'signedBy', 'issuedBy', 'signedAt', 'madeWith', 'actions', 'ingredients', 'problems', 'error', 'manifest', 'trustList', 'validated'].map((k) => t(`c2pa:${k}`).length));
  const row = (label: string, text: string) => `  ${label.padEnd(width)} ${text}`;
  const lines = [t('c2pa:heading'), row(t('c2pa:verdict'), `${t(`c2pa:verdict_${rep.verdict}`)}  [${rep.verdict}]`)];
  if (rep.verdict !== 'absent' || rep.error) {
    const s = rep.signer;
    // Invalid credentials: what the manifest says (signer, tool, actions) may be what someone altered it to say.
    const claim = rep.verdict === 'invalid' ? `  (${t('c2pa:unverifiedClaim')})` : '';
    if (s) {
      lines.push(row(t('c2pa:signedBy'), `${s.issuer}  (${s.subject})${claim}`));
      lines.push(row(t('c2pa:issuedBy'), `${s.issuerDn}${claim}`));
    }
    lines.push(row(t('c2pa:signedAt'), `${rep.signedAt ?? t('c2pa:noTime')}${claim}`));
    lines.push(row(t('c2pa:madeWith'), `${rep.claimGenerator ?? t('c2pa:none')}${claim}`));
    lines.push(row(t('c2pa:actions'), `${rep.actions.length ? rep.actions.map(actionWords).join('; ') : t('c2pa:none')}${claim}`));
    lines.push(row(t('c2pa:ingredients'), rep.ingredients.length
      ? `${rep.ingredients.map((i) => `${i.title ?? '?'} (${[i.format, i.relationship, t(i.hasManifest ? 'c2pa:ingredientOwn' : 'c2pa:ingredientNone'), ...i.validationCodes].filter(Boolean).join(', ')})`).join('; ')}${claim}`
      : t('c2pa:none')));
    if (rep.codes.length) for (const c of rep.codes) lines.push(row(t('c2pa:problems'), `${c}: ${CREDENTIAL_CODE_WORDS[c] ?? c}`));
    else lines.push(row(t('c2pa:problems'), t('c2pa:none')));
    if (rep.error) lines.push(row(t('c2pa:error'), rep.error));
    lines.push(row(t('c2pa:manifest'), `${rep.activeManifest ?? '—'}${rep.storeSha256 ? `, ${t('c2pa:store', { bytes: rep.storeBytes, sha: rep.storeSha256 })}` : ''}`));
  }
  const tl = rep.validator.trustList;
  lines.push(row(t('c2pa:trustList'), tl.anchors.length ? t('c2pa:trustAnchors', { count: tl.anchors.length, sha: (tl.sha256 ?? '').slice(0, 16) }) : t('c2pa:trustNone')));
  lines.push(row(t('c2pa:validated'), t('c2pa:validatedBy', { at: rep.validator.validatedAt, library: rep.validator.library, version: rep.validator.version })));
  return lines;
}

const showCmd: CliCommand = {
  define: (p) => archiveOption(group(p).command('show').argument('<item>', 'catalog id or SHA-256 prefix'))
    .option('--operator <name>', 'who validates (custody log; default $EVIDENCE_OPERATOR or the OS user)')
    .option('--json', 'print the validation report as JSON')
    .description('validate the item\'s C2PA manifest store again from the archived original (read only), with the trust anchors configured now; records a custody event (validation)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string };
    return withArchive(o, { write: true }, async (a) => {
      let it;
      try {
        it = resolveItemRef(a.db, ref as string);
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      const rep = await revalidateCredentials(a, it.id, resolveOperator(o.operator));
      const ev = listCustodyEvents(a.db, { item: it.record.sha256 }).filter((e) => e.type === 'validation').at(-1);
      if (o.json) printJson(io, { id: it.id, sha256: it.record.sha256, credentials: rep, custodyEvent: ev?.seq ?? null });
      else {
        for (const l of credentialLines(rep)) outLine(io, l);
        if (ev) outLine(io, t('c2pa:recorded', { seq: ev.seq }));
      }
      return rep.verdict === 'invalid' ? 1 : 0;
    });
  },
};

const trustAdd: CliCommand = {
  define: (p) => archiveOption(trustGroup(p).command('add').argument('<file.pem>', 'PEM file of one or more CA certificates'))
    .option('--operator <name>', 'who changes the trust list (custody log)')
    .option('--json', 'print the anchors added as JSON')
    .description('trust signers that chain to these certificates (a signer\'s root or intermediate CA)'),
  async run([file, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string };
    return withArchive(o, { write: true }, async (a) => {
      let added;
      try {
        added = addTrustAnchors(a.db, file as string, resolveOperator(o.operator));
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      if (o.json) printJson(io, added.map(({ pem: _pem, ...rest }) => rest));
      else if (!added.length) outLine(io, t('c2pa:trustAlready', { file }));
      else {
        outLine(io, t('c2pa:trustAdded', { count: added.length }));
        for (const x of added) outLine(io, `  ${x.sha256}  ${x.subject}`);
      }
      return 0;
    });
  },
};

const trustList: CliCommand = {
  define: (p) => archiveOption(trustGroup(p).command('list')).option('--json', 'print as JSON (PEM included)')
    .description('the trust anchors of this archive'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    return withArchive(o, {}, async (a) => {
      const anchors = listTrustAnchors(a.db);
      if (o.json) printJson(io, anchors);
      else if (!anchors.length) outLine(io, t('c2pa:trustEmpty'));
      else for (const x of anchors) outLine(io, t('c2pa:trustLine', { sha: x.sha256, subject: x.subject, until: x.notAfter.slice(0, 10), source: x.source, added: x.addedAt.slice(0, 10) }));
      return 0;
    });
  },
};

const trustRemove: CliCommand = {
  define: (p) => archiveOption(trustGroup(p).command('remove').argument('<fingerprint>', 'SHA-256 fingerprint or its first 8+ hex digits'))
    .option('--operator <name>', 'who changes the trust list (custody log)')
    .description('stop trusting a trust anchor (reports already made keep the list they were made with)'),
  async run([ref, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; operator?: string };
    return withArchive(o, { write: true }, async (a) => {
      let gone;
      try {
        gone = removeTrustAnchor(a.db, ref as string, resolveOperator(o.operator));
      } catch (e) {
        throw new UsageError(printable((e as Error).message));
      }
      outLine(io, t('c2pa:trustRemoved', { subject: gone.subject, sha: gone.sha256 }));
      return 0;
    });
  },
};

export const credentialsCommands: CliCommand[] = [showCmd, trustAdd, trustList, trustRemove];
