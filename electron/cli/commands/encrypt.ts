// `evidence encrypt`, `decrypt`, `rekey`: the catalog encrypted at rest (core/db/cipher.ts,
// core/encrypt/rekey.ts). Passphrases: EVIDENCE_PASSPHRASE (the current one; for `encrypt` the
// new one), EVIDENCE_NEW_PASSPHRASE (rekey's new one), else asked on the terminal.
import type { Command } from 'commander';
import { join } from 'node:path';
import { resolveArchiveDir } from '../../core/archive.ts';
import { isEncryptedCatalog } from '../../core/db/cipher.ts';
import { changeCatalogPassphrase, type RekeyResult } from '../../core/encrypt/rekey.ts';
import { catalogPassphraseSource, CATALOG_PASSPHRASE_ENV, NEW_CATALOG_PASSPHRASE_ENV, newCatalogPassphrase } from '../catalog-passphrase.ts';
import { t } from '../i18n/index.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { archiveOption } from './options.ts';
import type { CliCommand } from './shared.ts';
import { outLine } from './text.ts';

type Mode = 'encrypt' | 'decrypt' | 'rekey';

function report(io: Io, json: boolean | undefined, mode: Mode, r: RekeyResult): number {
  if (json) {
    printJson(io, { archive: r.archive, encrypted: r.encrypted, rows: r.rows, custodySeq: r.custodySeq, previewsRemoved: r.previewsRemoved, logsResealed: r.logsResealed });
    return 0;
  }
  outLine(io, t(`encrypt:done_${mode}`, { dir: r.archive, count: r.rows }));
  if (r.previewsRemoved) outLine(io, t('encrypt:previews_removed'));
  if (mode === 'encrypt') outLine(io, t('encrypt:originals_plain'));
  return 0;
}

function command(mode: Mode): CliCommand {
  return {
    define: (p: Command) => archiveOption(p.command(mode)).option('--json', t('encrypt:opt_json')).description(t(`encrypt:help_${mode}`)),
    async run([opts]: unknown[], io: Io) {
      const o = opts as { archive?: string; json?: boolean };
      const dir = resolveArchiveDir(o.archive);
      const file = join(dir, 'archive.sqlite');
      const encrypted = isEncryptedCatalog(file);
      if (mode === 'encrypt' && encrypted) throw new UsageError(t('encrypt:already', { dir }));
      if (mode !== 'encrypt' && !encrypted) throw new UsageError(t('encrypt:not_encrypted', { dir }));
      const current = mode === 'encrypt' ? null : await catalogPassphraseSource(io)(dir);
      const next = mode === 'decrypt' ? null
        : await newCatalogPassphrase(io, { envVar: mode === 'encrypt' ? CATALOG_PASSPHRASE_ENV : NEW_CATALOG_PASSPHRASE_ENV });
      return report(io, o.json, mode, await changeCatalogPassphrase(dir, current, next));
    },
  };
}

export const encryptCommand: CliCommand = command('encrypt');
export const decryptCommand: CliCommand = command('decrypt');
export const rekeyCommand: CliCommand = command('rekey');
