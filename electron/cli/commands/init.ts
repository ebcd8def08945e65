import type { Command } from 'commander';
import { openArchive, resolveArchiveDir } from '../../core/archive.ts';
import { printJson, type Io } from '../io.ts';
import type { CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { t } from '../i18n/index.ts';

export const init: CliCommand = {
  define: (p: Command) =>
    p.command('init').argument('[dir]', 'archive folder to create').option('--archive <dir>', 'archive folder (alternative to [dir])')
      .option('--json', 'print the result as JSON').description('create an archive (a folder with a catalog and an object store)'),
  async run([dir, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean };
    const a = await openArchive(resolveArchiveDir((dir as string | undefined) ?? o.archive), { create: true, write: true });
    const path = a.dir;
    await a.close();
    if (o.json) printJson(io, { archive: path });
    else outLine(io, t('init:ready', { path }));
    return 0;
  },
};
