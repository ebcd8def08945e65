// The page's languages: English, Russian, Kyrgyz. The default follows the browser's preferred
// languages; the user can switch at any time without checking the bag again.

import { EN, type MsgKey } from './messages.ts';
import { KY } from './messages-ky.ts';
import { RU } from './messages-ru.ts';
import type { Msg } from './report.ts';

export type Lang = 'en' | 'ru' | 'ky';
export const LANGS: { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
  { code: 'ky', name: 'Кыргызча' },
];
const CATALOGS: Record<Lang, Record<MsgKey, string>> = { en: EN, ru: RU, ky: KY };

/** The first of the browser's languages (navigator.languages, BCP 47) the page speaks; English otherwise. */
export function pickLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'ru' || base === 'ky' || base === 'en') return base;
  }
  return 'en';
}

/** A size in bytes as people read it ("4.2 GB", "4,2 ГБ"). */
export function formatBytes(n: number, lang: Lang): string {
  const units = lang === 'en' ? ['B', 'KB', 'MB', 'GB', 'TB'] : ['Б', 'КБ', 'МБ', 'ГБ', 'ТБ'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const num = new Intl.NumberFormat(lang === 'ky' ? 'ky-KG' : lang, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(v);
  return `${num} ${units[u]}`;
}

/** The text of message `key` in `lang`, with {name} placeholders filled ({bytes} as a size). */
export function t(lang: Lang, key: MsgKey, params: Record<string, string | number> = {}): string {
  const text = CATALOGS[lang][key] ?? EN[key];
  return text.replace(/\{(\w+)\}/gu, (whole, name: string) => {
    const v = params[name];
    if (v === undefined) return whole;
    return name === 'bytes' && typeof v === 'number' ? formatBytes(v, lang) : String(v);
  });
}

/** A Msg in `lang`. */
export function tm(lang: Lang, m: Msg): string {
  return t(lang, m.key, m.params);
}
