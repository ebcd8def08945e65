// The passphrase of a signing key: `$EVIDENCE_KEY_PASSPHRASE` (scripts, CI), else asked on the
// terminal without echo, else a clear error saying how to give it. Never printed, never logged.
import { PassphraseUnavailableError } from '../core/signing/errors.ts';
import type { Io } from './io.ts';
import { t as tr } from './i18n/index.ts';

/** What the prompt reads from and writes to; the process's terminal by default. */
export interface Terminal {
  input: NodeJS.ReadStream;
  write(text: string): void;
}

/**
 * Reads one line from a TTY already in raw mode (nothing echoes). Ctrl-C aborts (AbortError),
 * Ctrl-D ends the line; backspace deletes.
 */
function readHidden(t: Terminal, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { input } = t;
    let value = '';
    const done = (err?: Error) => {
      input.off('data', onData);
      input.pause();
      t.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(Object.assign(new Error('interrupted'), { name: 'AbortError' }));
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    input.on('data', onData);
    input.resume();
    t.write(prompt);
  });
}

/**
 * The key passphrase for `purpose` ("signing", "creating the key"): `$EVIDENCE_KEY_PASSPHRASE`
 * when set, else typed on the terminal (stdin and stderr both a TTY) without echo, twice when
 * `confirm` (a new key), until both agree. Throws PassphraseUnavailableError (saying how to give
 * it) when neither is possible, and AbortError on Ctrl-C at the prompt.
 */
export async function readPassphrase(io: Io, opts: {
  purpose: string; keyName?: string; confirm?: boolean; env?: NodeJS.ProcessEnv; terminal?: Terminal;
  /** Another variable than EVIDENCE_KEY_PASSPHRASE (the catalog's: EVIDENCE_PASSPHRASE). */
  envVar?: string;
  /** The first prompt, instead of "Passphrase for the key …: ". */
  prompt?: string;
  /** The error when neither the variable nor a terminal gives it, instead of PassphraseUnavailableError. */
  unavailable?: () => Error;
}): Promise<string> {
  const env = opts.env ?? process.env;
  const fromEnv = env[opts.envVar ?? 'EVIDENCE_KEY_PASSPHRASE'];
  if (fromEnv) return fromEnv;
  const t = opts.terminal ?? (process.stdin.isTTY && process.stderr.isTTY ? { input: process.stdin, write: (s: string) => io.err(s) } : undefined);
  if (!t) throw opts.unavailable?.() ?? new PassphraseUnavailableError(opts.purpose);
  const prompt = opts.prompt ?? (opts.keyName ? tr('passphrase:promptKey', { name: opts.keyName }) : tr('passphrase:prompt'));
  // Echo goes off before the first prompt shows and comes back after the last answer, so that
  // nothing typed ahead (or pasted) is ever shown.
  t.input.setRawMode(true);
  t.input.setEncoding('utf8');
  try {
    for (;;) {
      const first = await readHidden(t, `${prompt}: `);
      if (!opts.confirm) return first;
      const again = await readHidden(t, `${tr('passphrase:again')}: `);
      if (first === again) return first;
      t.write(`${tr('passphrase:differ')}\n`);
    }
  } finally {
    t.input.setRawMode(false);
  }
}
