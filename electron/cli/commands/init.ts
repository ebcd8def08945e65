import type { Command } from 'commander';
import { openArchive, resolveArchiveDir } from '../../core/archive.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { CATALOG_PASSPHRASE_ENV, newCatalogPassphrase } from '../catalog-passphrase.ts';
import { t } from '../i18n/index.ts';

export const init: CliCommand = {
  define: (p: Command) =>
    p.command('init').argument('[dir]', 'archive folder to create').option('--archive <dir>', 'archive folder (alternative to [dir])')
      .option('--encrypt', t('encrypt:opt_encrypt'))
      .option('--json', 'print the result as JSON').description('create an archive (a folder with a catalog and an object store)'),
  async run([dir, opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; json?: boolean; encrypt?: boolean };
    const where = resolveArchiveDir((dir as string | undefined) ?? o.archive);
    // A new catalog only: an existing plain one is encrypted by `evidence encrypt`, with its checks.
    const passphrase = o.encrypt && !existsSync(join(where, 'archive.sqlite')) ? await newCatalogPassphrase(io, { envVar: CATALOG_PASSPHRASE_ENV }) : undefined;
    const a = await openArchive(where, { create: true, write: true, encrypt: Boolean(o.encrypt), passphrase });
    if (o.encrypt && !a.encrypted) {
      await a.close();
      throw new UsageError(t('encrypt:not_encrypted', { dir: a.dir }) + ' (evidence encrypt)');
    }
    const path = a.dir;
    await a.close();
    if (o.json) printJson(io, o.encrypt ? { archive: path, encrypted: true } : { archive: path });
    else if (o.encrypt) outLine(io, t('encrypt:ready_encrypted', { dir: path }));
    else outLine(io, t('init:ready', { path }));
    return 0;
  },
};
