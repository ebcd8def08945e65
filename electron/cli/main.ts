import { Command, CommanderError } from 'commander';
import { ArchiveBusyError, NotAnArchiveError, PayloadCorruptError, SchemaMismatchError, SchemaTooNewError, SchemaTooOldError } from '../core/errors.ts';
import { KeyError } from '../core/signing/errors.ts';
import { EXIT, UsageError, type Io } from './io.ts';
import { commandsFor } from './commands/index.ts';
import { printable } from './commands/text.ts';
import { helpConfiguration, localizeHelp } from './i18n/help.ts';
import { pickCliLanguage, setCliLanguage, t } from './i18n/index.ts';
import { setDefaultPassphraseSource } from '../core/passphrase-source.ts';
import { catalogPassphraseSource, wrongCatalogPassphraseMessage } from './catalog-passphrase.ts';
import { WrongCatalogPassphraseError } from '../core/db/cipher.ts';
import { errnoWords } from './commands/core-words.ts';

/** True once the reader of stdout went away (EPIPE): later output is dropped, the work goes on. */
let stdoutGone = false;

/**
 * Commands that only print (nothing to finish once their reader is gone): on EPIPE the process
 * ends at once, 0 (`evidence list | head`). Any other command finishes its work (an ingest still
 * records its items and fills its replicas), its output dropped.
 */
const PRINT_ONLY = new Set(['list', 'log', 'show', 'help']);

/** The sub-command named in argv (the first word that is neither an option nor the global --lang's value). */
function commandOf(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

function processIo(signal: AbortSignal): Io {
  return {
    out: (t) => {
      if (!stdoutGone) process.stdout.write(t);
    },
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    signal,
  };
}

/** Sub-commands with a `--lang` of their own (export: the custody report's language), which is not the CLI's. */
const OWN_LANG = new Set(['export']);

/**
 * The value of a global `--lang X` / `--lang=X` in argv (read before commander parses): anywhere,
 * except after a sub-command whose own --lang means something else (`evidence export --lang ky`
 * chooses the custody report's language; `evidence --lang ky export …` the CLI's).
 */
function langFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--' || OWN_LANG.has(a)) break;
    if (a === '--lang') return argv[i + 1];
    if (a.startsWith('--lang=')) return a.slice('--lang='.length);
  }
  return undefined;
}

const USER_PATH_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'ENOTEMPTY', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG']);

let lateSignals = 0;

/** A signal after the command finished: nothing is left to stop; a second one still ends the process. */
function ignoreLateSignal(): void {
  if (++lateSignals > 1) process.exit(130);
}

/** A full disk, or one SQLite could not read or write: the machine's state, not our bug. */
function isOutOfSpaceOrIo(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR'));
}

/** What went wrong with the disk, in words, for isOutOfSpaceOrIo errors. */
function diskProblem(e: unknown): string {
  const err = e as Error & { code: string };
  const words = errnoWords(e);
  if (words) return words;
  if (err.code === 'ENOSPC' || err.code === 'EDQUOT' || err.code === 'SQLITE_FULL') return t('main:diskFull', { message: err.message });
  return t('main:diskIo', { code: err.code, message: err.message });
}

function isUserPathError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && USER_PATH_CODES.has((e as NodeJS.ErrnoException).code!);
}

/** A second SIGINT or SIGTERM sooner than this (ms) after the first is the same interrupt. */
const SAME_INTERRUPT_MS = 500;

/**
 * Runs the `evidence` CLI with `argv` (without node and script) and resolves to the exit code:
 * 0 ok, 1 verification failure or some files failed, 2 usage error, 3 internal error, 4 the
 * archive is in use by another process.
 * `io` defaults to the process streams with Ctrl-C wired to cancellation.
 */
export async function main(argv: string[], io?: Io): Promise<number> {
  let cleanup = () => {};
  if (!io) {
    const ac = new AbortController();
    let interrupts = 0;
    let firstAt = 0;
    const onSig = () => {
      // One Ctrl-C can arrive twice within milliseconds: npx passes on the SIGINT its process
      // group already delivered to us, and `timeout -s INT` signals both. Only a later one aborts.
      if (interrupts > 0 && performance.now() - firstAt < SAME_INTERRUPT_MS) return;
      if (interrupts++ === 0) firstAt = performance.now();
      else process.exit(130);
      process.stderr.write(`\n${t('interrupted')}\n`);
      ac.abort();
    };
    process.on('SIGINT', onSig);
    process.on('SIGTERM', onSig);
    cleanup = () => {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
      // The work is done and its result printed: a Ctrl-C arriving now (it may have waited behind
      // the last synchronous step) must not turn a finished run's exit code into 130.
      process.on('SIGINT', ignoreLateSignal);
      process.on('SIGTERM', ignoreLateSignal);
    };
    io = processIo(ac.signal);
    // `evidence list | head` closes the pipe early: that is the reader's choice, not an error.
    // A command that changes the archive must not stop half-way because its reader left
    // (`evidence ingest … | head -1`): it finishes, and its exit code says how its work went.
    const printOnly = PRINT_ONLY.has(commandOf(argv) ?? 'help');
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (stdoutGone) return;
      if (e.code === 'EPIPE') {
        if (printOnly) process.exit(0);
        stdoutGone = true;
        return;
      }
      throw e;
    });
  }
  const theIo = io;
  let code: number = EXIT.OK;
  setCliLanguage(pickCliLanguage(langFlag(argv)));
  // An encrypted catalog's passphrase: EVIDENCE_PASSPHRASE, else asked (catalog-passphrase.ts).
  setDefaultPassphraseSource(catalogPassphraseSource(theIo));
  const program = new Command('evidence')
    .description(t('main:program'))
    .exitOverride()
    .configureOutput({ writeOut: (s) => theIo.out(s), writeErr: (s) => theIo.err(s) })
    .option('--lang <code>', t('main:langOption'))
    .configureHelp(helpConfiguration())
    .showHelpAfterError();
  for (const c of await commandsFor(argv)) {
    c.define(program).action(async (...args: unknown[]) => {
      code = await c.run(args, theIo);
    });
  }
  localizeHelp(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      code = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    } else if (e instanceof UsageError || e instanceof NotAnArchiveError) {
      theIo.err(`evidence: ${e.message}\n`);
      code = EXIT.USAGE;
    } else if (e instanceof WrongCatalogPassphraseError) {
      theIo.err(`evidence: ${printable(wrongCatalogPassphraseMessage(e.file))}\n`);
      code = e.exitCode;
    } else if (e instanceof KeyError) {
      // A missing, ambiguous or locked signing key: what to do is in the message.
      theIo.err(`evidence: ${printable(e.message)}\n`);
      code = e.exitCode;
    } else if (e instanceof PayloadCorruptError) {
      theIo.err(`evidence: ${printable(e.message)}\n`);
      code = EXIT.FAILED;
    } else if (e instanceof ArchiveBusyError) {
      theIo.err(`evidence: ${e.message}\n`);
      code = EXIT.BUSY;
    } else if (e instanceof SchemaTooNewError || e instanceof SchemaTooOldError || e instanceof SchemaMismatchError) {
      theIo.err(`evidence: ${e.message}\n`);
      code = EXIT.FAILED;
    } else if (e instanceof Error && e.name === 'AbortError') {
      theIo.err(`evidence: ${t('main:interrupted')}\n`);
      code = EXIT.FAILED;
    } else if (isOutOfSpaceOrIo(e)) {
      theIo.err(`evidence: ${t('main:diskProblem', { problem: diskProblem(e) })}\n`);
      code = EXIT.FAILED;
    } else if (isUserPathError(e)) {
      // A path the user gave does not fit (missing, a file where a folder is needed, not writable):
      // their mistake to fix, not our bug, so no stack trace.
      theIo.err(`evidence: ${printable(errnoWords(e) ?? (e as Error).message)}\n`);
      code = EXIT.USAGE;
    } else {
      theIo.err(`evidence: ${t('main:internal', { stack: (e as Error).stack ?? String(e) })}\n`);
      code = EXIT.INTERNAL;
    }
  } finally {
    cleanup();
  }
  return code;
}
