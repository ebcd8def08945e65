// The CLI's words in English, Russian and Kyrgyz through i18next, the library the app uses.
// Each area of the CLI keeps its strings in its own namespace file (locales/<ns>.json, shaped
// { "en": {...}, "ru": {...}, "ky": {...} }) so that work on one command never edits another's.
import i18next, { type i18n, type TOptions } from 'i18next';
import { CATALOGS } from './catalogs.ts';

export type CliLanguage = 'en' | 'ru' | 'ky';
export const CLI_LANGUAGES: readonly CliLanguage[] = ['en', 'ru', 'ky'];

let instance: i18n | null = null;
let current: CliLanguage = 'en';

function build(lng: CliLanguage): i18n {
  const resources: Record<string, Record<string, Record<string, unknown>>> = { en: {}, ru: {}, ky: {} };
  for (const [ns, byLang] of Object.entries(CATALOGS)) {
    for (const l of CLI_LANGUAGES) resources[l]![ns] = byLang[l] ?? {};
  }
  const inst = i18next.createInstance();
  // initAsync false: resources are in memory, so init finishes before it returns.
  void inst.init({
    resources,
    lng,
    fallbackLng: 'en',
    ns: Object.keys(CATALOGS),
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
    // The CLI's output is read by scripts too: nothing but our own words on stdout/stderr.
    showSupportNotice: false,
  });
  return inst;
}

/**
 * The language asked for by `--lang` (already parsed, may be undefined), else the POSIX locale
 * variables in their order of precedence (LC_ALL, LC_MESSAGES, LANG; "ru_RU.UTF-8" → ru), else en.
 * An unsupported value falls through to the next source.
 */
export function pickCliLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): CliLanguage {
  for (const v of [flag, env.LC_ALL, env.LC_MESSAGES, env.LANG]) {
    if (!v) continue;
    const base = v.toLowerCase().split(/[_.@-]/)[0] as CliLanguage;
    if (CLI_LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

/** Sets the language of every later `t` call. */
export function setCliLanguage(lng: CliLanguage): void {
  current = lng;
  if (!instance) instance = build(lng);
  else void instance.changeLanguage(lng);
}

/** The language `t` speaks now. */
export function cliLanguage(): CliLanguage {
  return current;
}

/**
 * The text of `key` ("ns:key", or a key of the `common` namespace) in the current language, with
 * `{{name}}` placeholders filled from `vars`; `count` in vars picks the plural form by CLDR rules
 * (keys `x_one`, `x_few`, `x_many`, `x_other` in ru; `x_one`, `x_other` in en and ky). A key
 * missing in ru/ky falls back to English; a key missing everywhere is returned as is.
 */
export function t(key: string, vars: Record<string, unknown> = {}): string {
  if (!instance) instance = build(current);
  return (instance.t as (k: string, o: TOptions) => string)(key, vars as TOptions);
}
