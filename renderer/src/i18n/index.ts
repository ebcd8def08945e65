// Russian, Kyrgyz and English through i18next. The language is the user's choice when made,
// else the first of the system's preferred languages we have, else English.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '../../../electron/common/ipc.ts';
import en from './en.json' with { type: 'json' };
import ky from './ky.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };

export const LANGUAGES: readonly Language[] = ['ky', 'ru', 'en'];

/** The language to start in: `chosen`, else the first of `preferred` (BCP 47 tags) we support, else 'en'. */
export function pickLanguage(chosen: Language | null, preferred: readonly string[]): Language {
  if (chosen) return chosen;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0] as Language;
    if (LANGUAGES.includes(base)) return base;
  }
  return 'en';
}

/** Initialises i18next for React in `lng`; resolves when ready. */
export async function initI18n(lng: Language): Promise<typeof i18next> {
  await i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ru: { translation: ru }, ky: { translation: ky } },
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = lng;
  i18next.on('languageChanged', (l) => {
    document.documentElement.lang = l;
  });
  return i18next;
}
