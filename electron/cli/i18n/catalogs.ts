// Every namespace of the CLI's strings; one line per area, so areas never edit each other's file.
import catalog from './locales/catalog.json' with { type: 'json' };
import place from './locales/place.json' with { type: 'json' };
import person from './locales/person.json' with { type: 'json' };
import incident from './locales/incident.json' with { type: 'json' };
import caseRefs from './locales/case.json' with { type: 'json' };
import init from './locales/init.json' with { type: 'json' };
import key from './locales/key.json' with { type: 'json' };
import ingest from './locales/ingest.json' with { type: 'json' };
import commands from './locales/commands.json' with { type: 'json' };
import seal from './locales/seal.json' with { type: 'json' };
import tag from './locales/tag.json' with { type: 'json' };
import passphrase from './locales/passphrase.json' with { type: 'json' };
import transfer from './locales/transfer.json' with { type: 'json' };
import exportSet from './locales/export.json' with { type: 'json' };
import verifyBag from './locales/verifyBag.json' with { type: 'json' };
import timestamp from './locales/timestamp.json' with { type: 'json' };
import common from './locales/common.json' with { type: 'json' };
import replicas from './locales/replicas.json' with { type: 'json' };
import mhl from './locales/mhl.json' with { type: 'json' };
import sidecarsPreviews from './locales/sidecars-previews.json' with { type: 'json' };
import reels from './locales/reels.json' with { type: 'json' };
import c2pa from './locales/c2pa.json' with { type: 'json' };
import verifyScale from './locales/verify-scale.json' with { type: 'json' };
import list from './locales/list.json' with { type: 'json' };
import show from './locales/show.json' with { type: 'json' };
import verify from './locales/verify.json' with { type: 'json' };
import log from './locales/log.json' with { type: 'json' };
import main from './locales/main.json' with { type: 'json' };
import redact from './locales/redact.json' with { type: 'json' };
import encrypt from './locales/encrypt.json' with { type: 'json' };
import map from './locales/map.json' with { type: 'json' };
import library from './locales/library.json' with { type: 'json' };
import fix15 from './locales/fix15.json' with { type: 'json' };
import fix14 from './locales/fix14.json' with { type: 'json' };
import f15b from './locales/f15b.json' with { type: 'json' };
import verifyBagWords from './locales/verify-bag-words.json' with { type: 'json' };
import fixity9 from './locales/fixity9.json' with { type: 'json' };

export type Catalog = Partial<Record<'en' | 'ru' | 'ky', Record<string, unknown>>>;

export const CATALOGS: Record<string, Catalog> = {
  common,
  replicas,
  mhl,
  'sidecars-previews': sidecarsPreviews,
  reels,
  c2pa,
  'verify-scale': verifyScale,
  main,
  log,
  list,
  show,
  verify,
  catalog,
  place,
  person,
  incident,
  case: caseRefs,
  init,
  key,
  ingest,
  commands,
  seal,
  tag,
  passphrase,
  transfer,
  export: exportSet,
  verifyBag,
  timestamp,
  redact,
  encrypt,
  map,
  library,
  fix15,
  fix14,
  f15b,
  'verify-bag-words': verifyBagWords,
  fixity9,
};
