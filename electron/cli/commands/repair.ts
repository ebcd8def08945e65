// `evidence repair ITEM [--from REPLICA|FILE]` (issue 15 §3): restores a damaged or missing object
// from a copy whose SHA-256 matches the catalog's, and records the repair (core/replica/repair.ts).
import type { Command } from 'commander';
import type { FixityFinding } from '../../common/fixity.ts';
import { resolveOperator } from '../../core/archive.ts';
import { repairItem, type RepairCandidate, type RepairSource } from '../../core/replica/repair.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { replicaErrorsAsUsage } from './replica.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine, printable } from './text.ts';

const fromWords = (s: RepairSource) => (s.kind === 'replica' ? t('replicas:fromReplica', { name: s.replica }) : t('replicas:fromFile', { path: s.path }));

function stateWords(c: Pick<RepairCandidate, 'state' | 'found' | 'reason'>): string {
  switch (c.state) {
    case 'missing': return t('replicas:stateMissing');
    case 'altered': return t('replicas:stateAltered', { found: c.found });
    case 'unreadable': return t('replicas:stateUnreadable', { error: c.reason });
    case 'unreachable': return t('replicas:stateUnreachable', { reason: c.reason });
    default: return c.state;
  }
}

const findingWords = (f: FixityFinding) => stateWords(f.kind === 'altered' ? { state: 'altered', found: f.found?.sha256 } : f.kind === 'unreadable' ? { state: 'unreadable', reason: f.error } : { state: 'missing' });

export const repair: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('repair').argument('<item>', 'catalog id or SHA-256 prefix'))
      .option('--from <replica-or-file>', 'a replica\'s name, or a file holding the original (the card\'s); default: the first replica with a good copy')
      .option('--operator <name>', 'who repairs (custody log)')
      .option('--json', 'print the result as JSON')
      .description('restore a damaged or missing object from a copy whose SHA-256 matches the catalog, and record the repair in the custody log'),
  async run([item, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; from?: string; operator?: string; json?: boolean };
    return withArchive(o, { write: true }, (a) => replicaErrorsAsUsage(async () => {
      let r;
      try {
        r = await repairItem(a, item as string, { actor: resolveOperator(o.operator), ...(o.from !== undefined ? { from: o.from } : {}) });
      } catch (e) {
        if (/^item .*: (no such item|ambiguous)/u.test((e as Error).message)) throw new UsageError(printable((e as Error).message));
        throw e;
      }
      if (o.json) {
        printJson(io, r);
        return r.status === 'no-good-copy' ? 1 : 0;
      }
      const v = { file: r.fileName ?? r.sha256.slice(0, 12), id: r.itemId };
      if (r.status === 'intact') {
        outLine(io, t('replicas:repairIntact', v));
        return 0;
      }
      outLine(io, t('replicas:repairWas', { ...v, what: findingWords(r.finding!) }));
      for (const c of r.tried) if (c.state !== 'good') outLine(io, t('replicas:repairRefused', { from: fromWords(c.source), state: stateWords(c) }));
      if (r.status === 'repaired') {
        outLine(io, t('replicas:repairDone', { from: fromWords(r.restoredFrom!), seq: r.custodySeq }));
        return 0;
      }
      outLine(io, t('replicas:repairNoGood', { sha: r.sha256 }));
      return 1;
    }));
  },
};
