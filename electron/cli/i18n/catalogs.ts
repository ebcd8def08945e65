// Every namespace of the CLI's strings; one line per area, so areas never edit each other's file.
import common from './locales/common.json' with { type: 'json' };
import replicas from './locales/replicas.json' with { type: 'json' };
import mhl from './locales/mhl.json' with { type: 'json' };
import sidecarsPreviews from './locales/sidecars-previews.json' with { type: 'json' };
import reels from './locales/reels.json' with { type: 'json' };
import c2pa from './locales/c2pa.json' with { type: 'json' };
import encrypt from './locales/encrypt.json' with { type: 'json' };

export type Catalog = Partial<Record<'en' | 'ru' | 'ky', Record<string, unknown>>>;

export const CATALOGS: Record<string, Catalog> = {
  common,
  replicas,
  mhl,
  'sidecars-previews': sidecarsPreviews,
  reels,
  c2pa,
  encrypt,
};
