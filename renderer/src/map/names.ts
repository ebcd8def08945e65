// Place names in the chosen language, shared by the Map screen and the Item screen's GPS flag.

/** A place's name in `lng`: Kyrgyz, Russian or English, falling back towards English (ky → ru → en). */
export function placeName(p: { nameEn: string; nameRu: string | null; nameKy: string | null }, lng: string): string {
  if (lng === 'ky') return p.nameKy ?? p.nameRu ?? p.nameEn;
  if (lng === 'ru') return p.nameRu ?? p.nameEn;
  return p.nameEn;
}
