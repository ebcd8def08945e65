// verify-bag's human output in the reader's language: each check, problem and the verdict is
// rendered from the stable code the core gives beside its English sentence (common/said.ts),
// through the verify-bag-words namespace. A code this catalog does not know, or a sentence that
// exists only in English, prints the core's English: never a raw key, never nothing. In English
// the core's own sentences are printed, word for word as before (scripts and tests read them).

/** True when the reader reads English: then the core's sentences are printed as they are. */
const english = () => cliLanguage() === 'en';
import type { Said, SaidParams } from '../../common/said.ts';
import type { ReceivedSetProblem, TrustCheck, Verdict } from '../../core/verify/bag-trust.ts';
import words from '../i18n/locales/verify-bag-words.json' with { type: 'json' };
import { cliLanguage, t } from '../i18n/index.ts';

const NS = 'verify-bag-words';

/** True when the English catalog has a sentence at `path` ("said.payload.altered"). */
function known(path: string): boolean {
  let node: unknown = words.en;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string';
}

/** Counts said in the reader's words, for the sentences that name them ({{filesText}}, …). */
function withCounts(params: SaidParams): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  if (typeof params.files === 'number') out.filesText = t('n.payloadFile', { count: params.files });
  if (typeof params.bytes === 'number') out.bytesText = t('n.byte', { count: params.bytes });
  if (typeof params.count === 'number') out.problemsText = t('n.problem', { count: params.count });
  // A field of items.json (tags, description, sources…) is named in the reader's words.
  if (typeof params.field === 'string') out.fieldText = known(`field.${params.field}`) ? t(`${NS}:field.${params.field}`) : params.field;
  return out;
}

/** One sentence in the reader's words, or null when the catalog has none for its code (code "text": English only). */
function sentence(s: Said): string | null {
  if (s.code === 'text' || !known(`said.${s.code}`)) return null;
  return t(`${NS}:said.${s.code}`, withCounts(s.params));
}

/** Sentences joined with "; ", or `english` when any of them has no translation. */
function sentences(said: readonly Said[], fallback: string): string {
  const parts = said.map(sentence);
  return !english() && said.length && parts.every((p) => p !== null) ? parts.join('; ') : fallback;
}

/** A check's name in the reader's words (TrustCheck.code and params); the English name for an unknown code. */
export function checkName(code: string, params: SaidParams, fallback: string): string {
  if (english()) return fallback;
  if (code === 'timestamp' && params.n !== undefined) return t(`${NS}:check.timestamp_n`, params);
  return known(`check.${code}`) ? t(`${NS}:check.${code}`, params) : fallback;
}

/** The line prefix: FAIL, NOTE or ok, padded as before. */
export function prefix(c: Pick<TrustCheck, 'ok' | 'warning'>): string {
  const word = t(`${NS}:prefix.${!c.ok ? 'fail' : c.warning ? 'note' : 'ok'}`);
  return c.ok && !c.warning ? word.padEnd(4) : word;
}

/** What a problem says (without where it is), in the reader's words; its English reason when its code is unknown. */
export function problemText(p: ReceivedSetProblem): string {
  if (english()) return p.reason;
  if (p.code === 'check.failed' && p.params && p.said) {
    const { check, ...params } = p.params;
    const name = checkName(String(check), params, p.reason.split(':')[0] ?? '');
    return `${name}: ${sentences(p.said, p.reason.slice(p.reason.indexOf(':') + 1).trim())}`;
  }
  return p.code ? sentence({ code: p.code, params: p.params ?? {} }) ?? p.reason : p.reason;
}

/** A check's detail in the reader's words; the files check names its first problem through `first`. */
export function checkDetail(c: TrustCheck, first: string | null): string {
  if (english()) return c.detail;
  if (c.code === 'files' && !c.ok && first !== null) {
    const s = c.said[0];
    return s ? t(`${NS}:said.files.problems`, { ...withCounts(s.params), first }) : c.detail;
  }
  return sentences(c.said, c.detail);
}

/** The verdict's sentence in the reader's words; its English sentence when a part has no translation. */
export function verdictText(v: Verdict): string {
  if (english()) return v.sentence;
  switch (v.code) {
    case 'verdict.invalid-files':
      return t(`${NS}:verdict.invalid-files`);
    case 'verdict.invalid-check': {
      const { check, ...params } = v.params;
      const why = sentences(v.said, '');
      return why ? t(`${NS}:verdict.invalid-check`, { check: checkName(String(check), params, String(check)), why: why.replace(/\.$/u, '') }) : v.sentence;
    }
    case 'verdict.intact-unproven': {
      const missing = sentences(v.said, '');
      return missing ? t(`${NS}:verdict.intact-unproven`, { missing }) : v.sentence;
    }
    case 'verdict.valid':
      return t(`${NS}:verdict.${v.params.count === 1 ? 'valid-one' : 'valid-many'}`, { ...v.params, time: v.params.time ?? t(`${NS}:time`) });
    default:
      return v.sentence;
  }
}
