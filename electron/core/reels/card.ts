// A camera card's own identity, read from the folders the camera wrote: the DCF layout
// (DCIM/100CANON: a number and five characters the maker picks; JEITA CP-3461 §3.2), Sony's
// PRIVATE/M4ROOT for XAVC, AVCHD (under PRIVATE/ or at the root), DJI's and GoPro's DCIM names,
// and a phone's DCIM/Camera or DCIM/100APPLE. It names what kind of card a reel was, so a
// reel of a Sony card and one of a phone dump are told apart even when their folders are named alike.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** What a card's folders say it is. */
export interface CardIdentity {
  /** e.g. "DCF camera card", "Sony XAVC card", "AVCHD card", "phone (Android)", "phone (iPhone)". */
  kind: string;
  /** The maker the folder names point to ("Canon", "Sony", "GoPro", "DJI", "Apple"), or null. */
  maker: string | null;
  /** The folders that told it, relative to the card root ("DCIM/100CANON", "PRIVATE/M4ROOT", "MISC"). */
  folders: string[];
}

// The five free characters of a DCF folder name, as the makers fill them.
const DCF_MAKERS: Record<string, string> = {
  CANON: 'Canon', MSDCF: 'Sony', GOPRO: 'GoPro', MEDIA: 'DJI', APPLE: 'Apple', NIKON: 'Nikon', _FUJI: 'Fujifilm',
  OLYMP: 'Olympus', _PANA: 'Panasonic', LEICA: 'Leica', RICOH: 'Ricoh', CASIO: 'Casio', KDXHD: 'Kodak',
};

/** The top-level folders by which a card is recognised when a path inside it is ingested. */
export const CARD_TOP_FOLDERS = new Set(['DCIM', 'PRIVATE', 'AVCHD', 'MISC', 'XDROOT', 'CLIP', 'MP_ROOT', 'CONTENTS']);

/** Folders found only at a card's root: a folder holding one is a card root, whatever its own name. */
const ROOT_ONLY_FOLDERS = ['DCIM', 'PRIVATE', 'XDROOT', 'CONTENTS'];

/**
 * The identity the listing of a card root says: `top` the names at its root, `dcim` those in
 * DCIM/, `priv` those in PRIVATE/, `contents` those in CONTENTS/ (empty when absent). Canon's
 * Cinema EOS cameras write CONTENTS/CLIPS001/…_CANON.MP4|MXF; Panasonic P2 CONTENTS/VIDEO and
 * CONTENTS/CLIP. Pure; null when nothing camera-like is there.
 */
export function cardFromListing(top: readonly string[], dcim: readonly string[], priv: readonly string[], contents: readonly string[] = []): CardIdentity | null {
  const up = (xs: readonly string[]) => new Set(xs.map((x) => x.toUpperCase()));
  const T = up(top);
  const P = up(priv);
  const C = [...contents].sort();
  const folders: string[] = [];
  let kind: string | null = null;
  let maker: string | null = null;
  const set = (k: string, m: string | null) => {
    kind ??= k;
    maker ??= m;
  };
  if (P.has('M4ROOT')) {
    folders.push('PRIVATE/M4ROOT');
    set('Sony XAVC card', 'Sony');
  }
  if (P.has('AVCHD')) {
    folders.push('PRIVATE/AVCHD');
    set('AVCHD card', null);
  }
  if (T.has('AVCHD')) {
    folders.push('AVCHD');
    set('AVCHD card', null);
  }
  const clips = C.find((c) => /^CLIPS\d{3}$/i.test(c));
  if (T.has('CONTENTS') && clips) {
    folders.push(`CONTENTS/${clips}`);
    set('Canon Cinema card', 'Canon');
  } else if (T.has('CONTENTS') && C.some((c) => c.toUpperCase() === 'VIDEO') && C.some((c) => c.toUpperCase() === 'CLIP')) {
    folders.push('CONTENTS');
    set('Panasonic P2 card', 'Panasonic');
  }
  if (T.has('XDROOT')) {
    folders.push('XDROOT');
    set('Sony XDCAM card', 'Sony');
  }
  if (T.has('DCIM')) {
    for (const d of [...dcim].sort()) {
      const u = d.toUpperCase();
      const m = /^\d{3}([A-Z0-9_]{5})$/.exec(u);
      if (u === 'CAMERA') {
        folders.push(`DCIM/${d}`);
        set('phone (Android)', null);
      } else if (m) {
        folders.push(`DCIM/${d}`);
        const mk = DCF_MAKERS[m[1]!] ?? null;
        if (mk === 'Apple') set('phone (iPhone)', 'Apple');
        else if (mk === 'GoPro') set('GoPro card', 'GoPro');
        else if (mk === 'DJI') set('DJI drone card', 'DJI');
        else set('DCF camera card', mk);
      } else if (/^DJI_\d{3}$/.test(u)) {
        folders.push(`DCIM/${d}`);
        set('DJI drone card', 'DJI');
      }
    }
  }
  // DCF's print-order folder: only a hint beside DCIM, never an identity of its own.
  if (T.has('MISC') && folders.length) folders.push('MISC');
  return kind ? { kind, maker, folders } : null;
}

const names = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

const findDir = (dir: string, want: string): string | null => names(dir).find((n) => n.toUpperCase() === want && isDir(join(dir, n))) ?? null;

const isDir = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** The identity of the card whose root is folder `root` (cardFromListing on its listing), or null. Never throws. */
export function detectCard(root: string): CardIdentity | null {
  const top = names(root);
  const dcim = findDir(root, 'DCIM');
  const priv = findDir(root, 'PRIVATE');
  const contents = findDir(root, 'CONTENTS');
  return cardFromListing(top, dcim ? names(join(root, dcim)) : [], priv ? names(join(root, priv)) : [], contents ? names(join(root, contents)) : []);
}

/**
 * The card root of folder `folder` (absolute), reading the disk: the folder above the card's own
 * folders (cardRootOf), except that a folder named like one (a card copied into "AVCHD/") that
 * itself holds DCIM/, PRIVATE/, XDROOT/ or CONTENTS/ is a card root, not a folder of the card;
 * else `folder` itself when it holds a card's structure (detectCard); else the nearest folder at
 * or above it holding an ASC MHL history (`hasHistory`: the offload tool wrote it at the card's
 * root); else `folder`. Never throws.
 */
export function cardRootFor(folder: string, hasHistory: (dir: string) => boolean): string {
  const fromPath = cardRootOf(folder, (dir) => ROOT_ONLY_FOLDERS.some((f) => findDir(dir, f) !== null));
  if (fromPath !== null) return fromPath;
  if (detectCard(folder)) return folder;
  for (let d = folder; ; d = dirname(d)) {
    if (hasHistory(d)) return d;
    if (dirname(d) === d) return folder;
  }
}

/**
 * The card root of an ingested path: for a path inside a card's structure
 * (…/CARD/DCIM/100CANON), the folder holding that structure (…/CARD), looking at most four
 * folders up; else null. Pure (text only) unless `isRoot` is given: a folder named like a card's
 * own for which isRoot(its path) is true is then passed over (it is a card root itself).
 */
export function cardRootOf(absPath: string, isRoot?: (dir: string) => boolean): string | null {
  const segs = absPath.split(sep);
  // The outermost card folder within reach: PRIVATE, not the CLIP folder inside PRIVATE/M4ROOT.
  for (let i = Math.max(1, segs.length - 4); i < segs.length; i++) {
    if (!CARD_TOP_FOLDERS.has(segs[i]!.toUpperCase())) continue;
    if (isRoot?.(segs.slice(0, i + 1).join(sep))) continue;
    return segs.slice(0, i).join(sep) || sep;
  }
  return null;
}
