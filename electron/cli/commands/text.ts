// Text for a terminal. File names from a seized card, operator names, recipients and descriptions
// are outside input: an ESC in one can recolour, move the cursor, rewrite earlier lines or set the
// window title, and a CR can overprint a line, so what a documenter reads would not be what the
// archive holds. Human-readable output therefore shows such characters as visible escapes; --json
// output is left verbatim (JSON.stringify escapes C0 controls itself, and a program reads it).
import type { Io } from '../io.ts';

// C0 controls (TAB and LF included: our own layout supplies those), DEL and C1 controls (U+0080–
// U+009F; 0x9B is a one-byte CSI on some terminals); U+2028/U+2029, which some terminals and
// viewers break lines on; the bidirectional controls (U+061C, U+200E/F, U+202A–E, U+2066–9), which
// can make "gpj.exe" read "exe.jpg"; and the invisible format characters that can make two names
// print alike (soft hyphen U+00AD, U+180E, zero width space U+200B, word joiner and invisible
// operators U+2060–U+2064, U+FEFF). ZWNJ/ZWJ (U+200C/D) are kept: Persian, Indic scripts and emoji
// need them.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;

/**
 * `value` as text that cannot drive a terminal or hide characters: each character above is
 * replaced by its JavaScript escape ("\u001b" for ESC, "\u000d" for CR, "\u202e" for
 * RIGHT-TO-LEFT OVERRIDE, "\u200b" for ZERO WIDTH SPACE); everything else, non-Latin scripts
 * included, is kept, except the combining marks of a letter written decomposed (NFD), which are
 * escaped the same way ("и\u0306" for NFD "й", which would otherwise print like NFC "й": two
 * different names on Linux must never print alike, issue 11). null and undefined become "",
 * other non-strings go through
 * String(). Never throws.
 *
 * File names and paths must be given in their display form (core/ingest/filename.ts
 * displayName), in which every backslash already begins an escape (`\\`, `\xHH`): a literal
 * "\u001b" in a name then prints as `\\u001b` and ESC as `\u001b`, so two different names never
 * print alike (tests/unit/display-name.test.ts). Other text (operator names, descriptions) is not
 * escaped so, and a literal "\u001b" in it prints like ESC would.
 */
export function printable(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  return s.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(DECOMPOSED, (all, base: string, marks: string) =>
    // A letter written decomposed (NFD "и" + U+0306, as macOS names files) shows its marks as
    // escapes, so that it never prints like the composed letter (NFC "й"), a different name on
    // Linux. Marks that compose with nothing (most scripts' own) are left as they are.
    (all.normalize('NFC') === all ? all : base + [...marks].map((m) => `\\u${m.codePointAt(0)!.toString(16).padStart(4, '0')}`).join('')));
}

/** A base character followed by combining marks. */
const DECOMPOSED = /(\P{M})(\p{M}+)/gu;

/** Writes one line to stdout: `text` through printable, then "\n". */
export function outLine(io: Io, text: string): void {
  io.out(`${printable(text)}\n`);
}

/** Writes one line to stderr: `text` through printable, then "\n". */
export function errLine(io: Io, text: string): void {
  io.err(`${printable(text)}\n`);
}

// Nouns whose plural is not noun + "s". The last word of a phrase is looked up ("sensitive person").
const IRREGULAR_PLURALS: Record<string, string> = { person: 'people', child: 'children' };

/**
 * `n` and the noun, plural unless n is 1: "1 item", "2 items", "1 person", "2 people",
 * "2 case references" (English output only). `plural` overrides the plural form.
 */
export function count(n: number, noun: string, plural?: string): string {
  if (n === 1) return `${n} ${noun}`;
  if (plural !== undefined) return `${n} ${plural}`;
  const m = /^(.*?)([^\s]+)$/u.exec(noun);
  const last = m?.[2] ?? noun;
  const irregular = IRREGULAR_PLURALS[last.toLowerCase()];
  return `${n} ${irregular ? `${m?.[1] ?? ''}${irregular}` : `${noun}s`}`;
}

/**
 * A latitude or longitude for people to read: at most 6 decimals (about 0.1 m), trailing zeros
 * dropped, so 39.94949999999999 reads 39.9495. JSON output keeps the stored value.
 */
export function degrees(value: number): string {
  const r = Number(value.toFixed(6));
  return String(Object.is(r, -0) ? 0 : r);
}
