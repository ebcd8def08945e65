import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { verifyArchive } from '../../core/verify/fixity.ts';
import { printJson, type Io } from '../io.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';

export const verify: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('verify')).option('--operator <name>', 'who runs the check (custody log)').option('--json', 'print the report as JSON')
      .description('fixity check: re-hash every object, find missing and unexpected objects, recompute the custody chain'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string };
    return withArchive(o, { write: true }, async (a) => {
      const r = await verifyArchive(a, { actor: resolveOperator(o.operator), signal: io.signal });
      if (o.json) printJson(io, r);
      else {
        for (const p of r.problems) io.out(`FAIL ${p.kind}: ${p.reason}\n`);
        io.out(`${r.ok ? 'OK' : 'FAILED'}: ${r.itemsChecked} items (${formatBytes(r.bytesChecked)}) re-hashed, ${r.custodyRowsChecked} custody rows recomputed, ${r.problems.length} problems` +
          `${r.chainHead ? `; chain head #${r.chainHead.seq} ${r.chainHead.hash}` : ''}\n`);
      }
      return r.ok ? 0 : 1;
    });
  },
};
