import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { verifyArchive } from '../../core/verify/fixity.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, formatBytes, withArchive, type CliCommand } from './shared.ts';

export const verify: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('verify')).option('--operator <name>', 'who runs the check (custody log)')
      .option('--expect-head <seq:hash>', 'a chain head noted earlier (e.g. from a bag\'s custody.json): fail if that row is no longer in the log').option('--json', 'print the report as JSON')
      .description('fixity check: re-hash every object, find missing and unexpected objects, recompute the custody chain'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; operator?: string; expectHead?: string };
    let expectHead: { seq: number; hash: string } | undefined;
    if (o.expectHead !== undefined) {
      const m = /^(\d+):([0-9a-f]{64})$/.exec(o.expectHead.trim());
      if (!m) throw new UsageError('--expect-head: give SEQ:HASH, e.g. 812:3f2a… (64 hex digits)');
      expectHead = { seq: Number(m[1]), hash: m[2]! };
    }
    return withArchive(o, { write: true }, async (a) => {
      const r = await verifyArchive(a, { actor: resolveOperator(o.operator), signal: io.signal, expectHead });
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
