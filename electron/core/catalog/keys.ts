// Transliteration-tolerant matching keys for names. The same village is written "Kok-Tash",
// "Koktash", "Kök-Tash", "Көк-Таш", "Кок-Таш", "Кёк-Таш": reports mix Kyrgyz and Russian Cyrillic
// and several romanisations (BGN/PCGN, GOST, ad hoc). A key reduces every spelling to one ASCII
// skeleton; the same function is applied to stored names and to what a user types, so folds that
// lose information only make more names collide, never make a match disappear.

// Kyrgyz, Russian and Tajik Cyrillic to a plain Latin spelling. ң ө ү are Kyrgyz; ғ ӣ қ ӯ ҳ ҷ Tajik.
const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'yo', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm',
  н: 'n', ң: 'ng', о: 'o', ө: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ү: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch',
  ш: 'sh', щ: 'sh', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya', і: 'i', ә: 'a',
  ғ: 'gh', ӣ: 'i', қ: 'q', ӯ: 'u', ҳ: 'h', ҷ: 'j',
};

// Ordered folds over the Latin spelling: digraphs first, then single letters. Each maps
// spellings seen for the same sound in the gazetteer's sources to one letter.
const FOLDS: [RegExp, string | ((m: string) => string)][] = [
  [/dzh|dj|zh/g, 'j'],          // Джаны / Dzhany / Zhany / Jany
  [/kh/g, 'h'],                 // Kh / H (Khoja, Hoja; Vorukh / Vorux after x→h)
  [/x/g, 'h'],
  [/gh/g, 'g'],
  [/q/g, 'k'],
  [/w/g, 'v'],
  [/ts/g, 's'],
  [/yo|yu|ya/g, (m) => m.slice(1)], // Кёк → kyok → kok
  [/y/g, 'i'],                  // Kapchygay / Kapchigai; Ak-Say / Ak-Sai
  [/ng/g, 'n'],                 // Жаңы / Jangy / Jany; Ming / Min
  [/e/g, 'o'],                  // Кек-Таш / Кёк-Таш / Көк-Таш: Russian е/ё for Kyrgyz ө
  [/(.)\1+/g, '$1'],            // Razzakov / Razakov; Lakkon / Lakon
];

/**
 * The matching key of a name: NFKC, lower case, Cyrillic transliterated (Kyrgyz ң ө ү and Tajik
 * letters included), Latin diacritics removed, everything but a–z and 0–9 dropped (hyphens,
 * spaces, apostrophes, brackets), then the folds above (dzh/dj/zh→j, kh/x→h, y→i, ng→n, e→o,
 * doubled letters single, …). Returns '' for a name with no letters or digits. Never throws.
 */
export function nameKey(name: string): string {
  let s = name.normalize('NFKC').toLowerCase();
  s = Array.from(s, (ch) => CYRILLIC[ch] ?? ch).join('');
  s = s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]/g, '');
  for (const [re, to] of FOLDS) s = typeof to === 'string' ? s.replace(re, to) : s.replace(re, to);
  return s;
}

/**
 * A readable ASCII slug of a name ("Көк-Таш (Баткен)" → "kok-tash-batken"): transliterated like
 * nameKey but without its folds, runs of other characters turned into single hyphens. May be ''.
 */
export function slugify(name: string): string {
  const s = Array.from(name.normalize('NFKC').toLowerCase(), (ch) => CYRILLIC[ch] ?? ch).join('');
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/g, '');
}

/** The distinct non-empty keys of several names. */
export function nameKeys(names: readonly (string | null | undefined)[]): string[] {
  return [...new Set(names.filter((n): n is string => Boolean(n)).map(nameKey).filter(Boolean))];
}

/** Keys of each word of a text (for full-text search across scripts), space-separated. */
export function wordKeys(text: string | null | undefined): string {
  if (!text) return '';
  return [...new Set(text.split(/[\s,;/|()]+/u).map(nameKey).filter((k) => k.length > 1))].join(' ');
}
