// Every namespace of the CLI's strings; one line per area, so areas never edit each other's file.
import common from './locales/common.json' with { type: 'json' };
import replicas from './locales/replicas.json' with { type: 'json' };
import redact from './locales/redact.json' with { type: 'json' };

export type Catalog = Partial<Record<'en' | 'ru' | 'ky', Record<string, unknown>>>;

export const CATALOGS: Record<string, Catalog> = {
  common,
  replicas,
  redact,
};
