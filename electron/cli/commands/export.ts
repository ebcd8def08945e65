import type { Command } from 'commander';
import { resolveOperator } from '../../core/archive.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { exportEvidenceSet } from '../../core/export/evidence-set.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';

export interface ExportCliOptions {
  archive?: string;
  out: string;
  all?: boolean;
  item?: string[];
  recipient?: string;
  organization?: string;
  description?: string;
  operator?: string;
  zip?: boolean;
  json?: boolean;
}

export const exportCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('export'))
      .requiredOption('--out <dir>', 'bag folder to create (must not exist, or be empty)')
      .option('--all', 'export every item')
      .option('--item <items...>', 'items to export (catalog ids or SHA-256 prefixes)')
      .option('--recipient <name>', 'who the set is for (recorded in bag-info.txt and the custody log)')
      .option('--organization <name>', 'Source-Organization for bag-info.txt')
      .option('--description <text>', 'External-Description for bag-info.txt')
      .option('--operator <name>', 'who exports (custody log)')
      .option('--zip', 'also write <out>.zip (RFC 8493 §4 serialization)')
      .option('--json', 'print the result as JSON')
      .description('export an evidence set as a BagIt 1.0 bag with manifests and a custody excerpt'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as ExportCliOptions;
    if (!o.all && !o.item?.length) throw new UsageError('export: choose the items with --all or --item ID...');
    return withArchive(o, { write: true }, async (a) => {
      let ids: number[];
      try {
        ids = o.all
          ? (a.db.prepare('SELECT id FROM items ORDER BY id').all() as { id: number }[]).map((r) => r.id)
          : o.item!.map((ref) => resolveItemRef(a.db, ref).id);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      if (!ids.length) throw new UsageError('export: the archive holds no items');
      const r = await exportEvidenceSet(a, {
        itemIds: ids, outDir: o.out, actor: resolveOperator(o.operator), recipient: o.recipient, organization: o.organization,
        description: o.description, zip: o.zip, selection: o.all ? { all: true } : { items: o.item }, signal: io.signal,
      });
      if (o.json) printJson(io, r);
      else {
        io.out(`Exported ${r.items} items to ${r.bagDir} (export ${r.exportId}; Payload-Oxum ${r.payloadOxum})\n`);
        if (r.zip) io.out(`Zip: ${r.zip.zipPath} sha256 ${r.zip.sha256}\n`);
        io.out(`Tag-manifest SHA-256: ${r.tagManifestSha256}\n`);
      }
      return 0;
    });
  },
};
