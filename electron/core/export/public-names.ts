// File names and free tags in a set that leaves the archive as a public release (`export
// --redact-people`) or as redacted copies (`--redacted-media`). A file name ("Saparova_h.jpg") and
// a tag ("Aigul Saparova") are free text typed by whoever shot or filed the evidence, and can name
// the very person the set protects, so:
// - with redacted copies, every payload file gets a neutral name, "item-<id>.redacted.<ext>", and
//   the original's file and source names are left out of items.json, items.csv and the custody
//   report (and so of the MHL history and the zip, which list the payload); free tags are left
//   out too. `keepFileNames` / `keepTags` send them as before;
// - always (the safety net, also with those opt-ins and in any public release): a file name or tag
//   that contains the name, the latin name or a name word of four letters or more of a person in
//   the register who is flagged sensitive or whose consent to publication is not "given" is
//   withheld: such an item's payload gets the neutral name "item-<id>.<ext>" and no file names;
// - in a public release, custody events carrying a withheld name or tag, and the metadata
//   extraction and credential validation events of items shipped as redacted copies (they describe
//   the original's GPS, serial, times and warnings, which the copy withholds), are left out of the
//   excerpt like the other withheld events (their seqs listed).
// The set says how many names and tags were withheld, never which.
import type { CustodyEvent } from '../../common/types.ts';
import type { ListedItem } from '../catalog/records.ts';
import type { Db } from '../db/open.ts';
import type { ExportExtras } from './evidence-set.ts';

/** Name words shorter than this are not matched alone ("Ali" would hide half the tags). */
const MIN_WORD_LETTERS = 4;

const fold = (s: string) => s.normalize('NFC').toLowerCase();

/**
 * A test for text naming a person whose identity a public set must not give: the register's
 * people flagged sensitive or whose consent to publication is not "given". True when the text
 * (compared NFC and case-insensitively) contains such a person's name, latin name, or any word of
 * either of at least four letters (a surname on its own). Reads the people table once.
 */
export function protectedNameTest(db: Db): (text: string) => boolean {
  const rows = db.prepare("SELECT name, name_latin latin FROM people WHERE sensitive = 1 OR consent != 'given'").all() as { name: string; latin: string | null }[];
  const needles = new Set<string>();
  for (const r of rows) {
    for (const full of [r.name, r.latin]) {
      if (!full || !full.trim()) continue;
      needles.add(fold(full.trim()));
      for (const w of fold(full).split(/[^\p{L}\p{M}]+/u)) if ([...w].filter((c) => /\p{L}/u.test(c)).length >= MIN_WORD_LETTERS) needles.add(w);
    }
  }
  const list = [...needles];
  return (text) => {
    if (!list.length) return false;
    const t = fold(text);
    return list.some((n) => t.includes(n));
  };
}

/** What the caller decided for a set's names and tags. */
export interface PublicNamesOptions {
  /** Item id → MIME type of the redacted copy shipped in its place (export --redacted-media). */
  copies: ReadonlyMap<number, string>;
  /** A set for public release (--redact-people): the custody excerpt is trimmed too, and the bag declares Evidence-Redaction. */
  publicRelease: boolean;
  /** With copies: send the original file names as before (the safety net still applies). */
  keepFileNames?: boolean;
  /** With copies: send the items' free tags (the safety net still applies). */
  keepTags?: boolean;
}

/** What withPublicNames decided, for the custody report and the CLI's note. */
export interface PublicNames {
  extras: ExportExtras;
  /** The neutral payload name of an item whose file names are left out; undefined when they stay. */
  nameOf: (itemId: number) => string | undefined;
  /** The tags the set gives for an item. */
  tagsOf: (itemId: number) => string[];
  /** How many file names and tags were withheld because they name a protected person (never which). */
  withheld: { fileNames: number; tags: number };
}

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/heic': 'heic', 'image/tiff': 'tif', 'image/gif': 'gif',
  'video/mp4': 'mp4', 'video/quicktime': 'mov', 'audio/mpeg': 'mp3', 'audio/wav': 'wav', 'application/pdf': 'pdf', 'text/plain': 'txt',
};

/** The extension a neutral name gets: by MIME type, else the original's when it is plain (letters and digits), else none. */
function extensionOf(mime: string | null, original: string | undefined): string {
  if (mime && EXT[mime]) return `.${EXT[mime]}`;
  const m = /\.([A-Za-z0-9]{1,5})$/u.exec(original ?? '');
  return m ? `.${m[1]!.toLowerCase()}` : '';
}

/** "item-12.redacted.jpg" for a redacted copy (by its MIME type), "item-12.jpg" for an original. */
export function neutralName(itemId: number, mime: string | null, original?: string, redacted = false): string {
  return `item-${itemId}${redacted ? '.redacted' : ''}${extensionOf(mime, original)}`;
}

/** The file-name stem ("Saparova_h" of "Saparova_h.jpg") when it is long enough to search for. */
function stemOf(name: string): string | null {
  const dot = name.lastIndexOf('.');
  const stem = (dot > 0 ? name.slice(0, dot) : name).trim();
  return [...stem].length >= MIN_WORD_LETTERS ? stem : null;
}

const isTagging = (e: CustodyEvent) => e.type === 'metadata modification' && e.detail.action === 'tagging';
const hasTags = (v: unknown) => v !== null && typeof v === 'object' && Array.isArray((v as { tags?: unknown }).tags) && (v as { tags: unknown[] }).tags.length > 0;

/**
 * `extras` (made for `listed`, the set's items) with the names and tags of a public or
 * redacted-copy set decided as the file comment says: `neutralNameOf` for the items whose file
 * names are left out, fieldsOf's `tags` filtered, in a public release an excerptFilter that also
 * leaves out events carrying withheld names or tags and the metadata extraction and validation
 * events of items shipped as redacted copies, and a bag-info element Evidence-Names saying what
 * was done and how many names and tags were withheld. Reads the catalog; throws nothing of its own.
 */
export function withPublicNames(db: Db, listed: readonly ListedItem[], extras: ExportExtras, o: PublicNamesOptions): PublicNames {
  const names = protectedNameTest(db);
  const byCopy = o.copies.size > 0;
  const dropNames = byCopy && !o.keepFileNames;
  const dropTags = byCopy && !o.keepTags;
  const neutral = new Map<number, string>();
  let withheldNames = 0;
  for (const it of listed) {
    const copyMime = o.copies.get(it.id);
    const named = it.sources.some((s) => names(s.name));
    if (named) withheldNames += it.sources.filter((s) => names(s.name)).length;
    if (named || (dropNames && copyMime !== undefined)) {
      neutral.set(it.id, neutralName(it.id, copyMime ?? it.mime, it.sources[0]?.name, copyMime !== undefined));
    }
  }
  let withheldTags = 0;
  const tagsCache = new Map<number, string[]>();
  const tagsOf = (id: number, given: unknown): string[] => {
    let t = tagsCache.get(id);
    if (t) return t;
    const all = Array.isArray(given) ? given.map(String) : [];
    const kept = all.filter((x) => !names(x));
    withheldTags += all.length - kept.length;
    t = dropTags && o.copies.has(id) ? [] : kept;
    tagsCache.set(id, t);
    return t;
  };
  const baseFields = extras.fieldsOf;
  const fieldsOf = baseFields ? (id: number) => {
    const f = baseFields(id);
    return 'tags' in f ? { ...f, tags: tagsOf(id, f.tags) } : f;
  } : undefined;
  // Computed now so that the counts are final before the set is written.
  if (fieldsOf) for (const it of listed) fieldsOf(it.id);

  // What a withheld event may carry: a withheld file name (or its stem) or a protected name.
  const hiddenText = [...new Set(listed.filter((it) => neutral.has(it.id)).flatMap((it) => it.sources.flatMap((s) => [s.name, stemOf(s.name)])))]
    .filter((x): x is string => Boolean(x)).map(fold);
  const copyOriginals = new Set(listed.filter((it) => o.copies.has(it.id)).map((it) => it.sha256));
  const keepEvent = (e: CustodyEvent): boolean => {
    // Ingest writes digests and a fixed phrase only; verify-bag needs them to place the withheld ingest events.
    if (e.type === 'message digest calculation') return true;
    // The original's metadata (GPS, serial, make/model, times, warnings quoting raw values) and its credentials.
    if (e.item && copyOriginals.has(e.item) && (e.type === 'metadata extraction' || e.type === 'validation')) return false;
    // A redaction event is written from fixed words, hashes and key names; only its removed keys can name anyone.
    const text = fold(JSON.stringify(e.type === 'redaction' ? e.detail.removed ?? null : e.detail));
    if (names(text)) return false;
    if (e.type !== 'redaction' && hiddenText.some((h) => text.includes(h))) return false;
    if (dropTags && isTagging(e) && e.item && copyOriginals.has(e.item) && (hasTags(e.detail.before) || hasTags(e.detail.after))) return false;
    return true;
  };
  const baseFilter = extras.excerptFilter;
  const said = bagInfoText(neutral.size, byCopy, o.publicRelease, dropNames, dropTags, withheldNames, withheldTags);
  return {
    extras: {
      ...extras,
      ...(fieldsOf ? { fieldsOf } : {}),
      ...(neutral.size ? { neutralNameOf: (it: ListedItem) => neutral.get(it.id) } : {}),
      ...(o.publicRelease ? { excerptFilter: (e: CustodyEvent) => (baseFilter ? baseFilter(e) : true) && keepEvent(e) } : {}),
      ...(said ? { bagInfo: { ...(extras.bagInfo ?? {}), 'Evidence-Names': said } } : {}),
    },
    nameOf: (id) => neutral.get(id),
    tagsOf: (id) => tagsCache.get(id) ?? (baseFields ? tagsOf(id, baseFields(id).tags) : []),
    withheld: { fileNames: withheldNames, tags: withheldTags },
  };
}

/** The bag-info element Evidence-Names, or '' when the set's names and tags are as in the archive. */
function bagInfoText(renamed: number, byCopy: boolean, publicRelease: boolean, dropNames: boolean, dropTags: boolean, names: number, tags: number): string {
  const parts: string[] = [];
  if (dropNames) parts.push('Payload files shipped as redacted copies are named "item-<id>.redacted.<ext>"; their original file names and source names are left out of evidence/items.json, items.csv and the custody report.');
  if (dropTags) parts.push('The tags users gave the items shipped as redacted copies are left out.');
  if (names || tags) {
    parts.push(`${names} file name${names === 1 ? '' : 's'} and ${tags} tag${tags === 1 ? '' : 's'} naming a person flagged sensitive or whose consent to publication is not given ${names + tags === 1 ? 'was' : 'were'} withheld` +
      (names ? '; such an item\'s file is named "item-<id>.<ext>" and its file names are left out' : '') + '.');
  } else if (renamed && !byCopy) parts.push(`${renamed} file(s) are named "item-<id>.<ext>".`);
  if (parts.length && publicRelease) {
    parts.push('Custody events carrying a withheld name or tag' + (byCopy ? ', and the metadata extraction and credential validation events of the originals of redacted copies (their GPS, serial numbers, camera, times and warnings),' : '') +
      ' are left out of evidence/custody.json like the other withheld events (withheldSeqs).');
  }
  return parts.join(' ');
}
