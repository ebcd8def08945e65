// The passphrase of an encrypted catalog: `$EVIDENCE_PASSPHRASE` (scripts, CI), else asked on the
// terminal without echo. Distinct from a signing key's ($EVIDENCE_KEY_PASSPHRASE), so both can
// be set for `evidence export --sign` on an encrypted archive. Never printed, never logged.
import { CatalogPassphraseNeededError } from '../core/db/cipher.ts';
import { join } from 'node:path';
import type { Io } from './io.ts';
import { readPassphrase, type Terminal } from './passphrase.ts';
import { t } from './i18n/index.ts';
import { UsageError } from './io.ts';

/** The variable holding the catalog passphrase. */
export const CATALOG_PASSPHRASE_ENV = 'EVIDENCE_PASSPHRASE';
/** The variable holding the new passphrase for `evidence rekey`. */
export const NEW_CATALOG_PASSPHRASE_ENV = 'EVIDENCE_NEW_PASSPHRASE';

/** Where the catalog passphrase last asked for came from: the variable, the terminal, or nowhere yet. */
let lastOrigin: 'env' | 'terminal' | null = null;

/**
 * The message for a catalog passphrase that does not open the catalog (WrongCatalogPassphraseError
 * `file`), in the CLI's language: when it came from EVIDENCE_PASSPHRASE, that the variable is
 * wrong (there is nothing to type again); when typed, to type it again.
 */
export function wrongCatalogPassphraseMessage(file: string): string {
  return lastOrigin === 'env' ? t('encrypt:wrong_env', { file, env: CATALOG_PASSPHRASE_ENV }) : t('encrypt:wrong_typed', { file });
}

/**
 * The passphrase source the CLI gives openArchive (archive.ts setDefaultPassphraseSource): asked
 * only for an encrypted catalog of archive folder `dir`. Throws CatalogPassphraseNeededError when
 * neither the variable nor a terminal gives one.
 */
export function catalogPassphraseSource(io: Io, opts: { env?: NodeJS.ProcessEnv; terminal?: Terminal } = {}): (dir: string) => Promise<string> {
  return (dir) => {
    lastOrigin = (opts.env ?? process.env)[CATALOG_PASSPHRASE_ENV] ? 'env' : 'terminal';
    return readPassphrase(io, {
      purpose: 'opening the catalog', env: opts.env, terminal: opts.terminal, envVar: CATALOG_PASSPHRASE_ENV,
      prompt: t('encrypt:prompt', { dir }),
      unavailable: () => new CatalogPassphraseNeededError(join(dir, 'archive.sqlite')),
    });
  };
}

/**
 * A new catalog passphrase (init --encrypt, encrypt, rekey): from `envVar`, else typed twice on
 * the terminal. Throws UsageError when it is empty or neither source exists.
 */
export async function newCatalogPassphrase(io: Io, opts: { envVar: string; env?: NodeJS.ProcessEnv; terminal?: Terminal }): Promise<string> {
  const p = await readPassphrase(io, {
    purpose: 'encrypting the catalog', confirm: true, env: opts.env, terminal: opts.terminal, envVar: opts.envVar,
    prompt: t('encrypt:prompt_new'),
    unavailable: () => new UsageError(t('encrypt:need_new', { env: opts.envVar })),
  });
  if (!p) throw new UsageError(t('encrypt:empty'));
  return p;
}
