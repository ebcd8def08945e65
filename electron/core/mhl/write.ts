// Writing ASC MHL v2.0: one new generation of a folder's history (ascmhl/NNNN_<folder>_<date>_<time>Z.mhl)
// and the chain file that records each generation's C4 ID (ascmhl/ascmhl_chain.xml), as ASCMHL.xsd
// and ASCMHLDirectory.xsd define them. Directory content and structure hashes are computed as the
// ascmhl reference implementation computes them (hash.ts hashOfHashList, structureEntry).
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { ASC_MHL_FORMATS, hashData, hashOfHashList, structureEntry, type MhlHashFormat } from './hash.ts';
import { ASC_MHL_DIR, CHAIN_FILE, expectedFiles, hasAscMhlHistory, parseChain, readAscMhlHistory, type ChainEntry } from './read.ts';
import { escapeXml } from './xml.ts';

/** One file the new generation lists: its path relative to the folder ("/"), size, modification time and hashes. */
export interface MhlWriteFile {
  path: string;
  bytes: number;
  mtime: Date | null;
  hashes: Partial<Record<MhlHashFormat, string>>;
}

/** Who writes the generation (ASC MHL creatorinfo). */
export interface MhlWriteCreator {
  tool: string;
  toolVersion: string;
  hostName: string;
  author?: string;
  location?: string;
  comment?: string;
}

export interface MhlWriteOptions {
  /** The folder the history describes; ascmhl/ is made inside it. */
  folder: string;
  files: MhlWriteFile[];
  /** Formats to write for every file and folder (each file must carry each). */
  formats: MhlHashFormat[];
  creator: MhlWriteCreator;
  /** ASC MHL process: `transfer` (a copy was made and checked) or `in-place` (a folder sealed where it is). */
  process: 'transfer' | 'in-place';
  /** Ignore patterns besides the default `.DS_Store`, `ascmhl`, `ascmhl/` (gitwildmatch, as the reference implementation reads them). */
  ignore?: string[];
  /** The generation's time (default now). */
  now?: Date;
  /** The folder name in the generation's file name (default: the last segment of `folder`). */
  folderName?: string;
}

/** What writeMhlGeneration wrote. */
export interface MhlWriteResult {
  sequence: number;
  /** The generation file, relative to the folder ("ascmhl/0001_….mhl"). */
  generationPath: string;
  /** Its C4 ID, as the chain records it. */
  c4: string;
  /** Per file: "original" (first listed), "verified" (matches the previous generation) or "failed" (differs from it). */
  actions: Record<string, 'original' | 'verified' | 'failed'>;
  /** Root content and structure hash per format. */
  root: { content: Partial<Record<MhlHashFormat, string>>; structure: Partial<Record<MhlHashFormat, string>> };
}

// Entry paths are "/"-separated whatever the system (ASC MHL); "\" is a name character in them
// (a Linux or macOS name may hold one), so a name is what follows the last "/" only.
const entryName = (p: string): string => posix.basename(p);

const DEFAULT_IGNORE = ['.DS_Store', ASC_MHL_DIR, `${ASC_MHL_DIR}/`];

/** ISO 8601 to the second with "+00:00", as the reference histories write dates. */
export const mhlDate = (d: Date): string => `${d.toISOString().slice(0, 19)}+00:00`;

/** The generation file name: NNNN_<folder>_<yyyy-mm-dd>_<HHMMSS>Z.mhl (UTC). */
export function generationFileName(sequence: number, folderName: string, d: Date): string {
  const iso = d.toISOString();
  return `${String(sequence).padStart(4, '0')}_${folderName}_${iso.slice(0, 10)}_${iso.slice(11, 19).replaceAll(':', '')}Z.mhl`;
}

interface DirNode {
  name: string;
  path: string;
  dirs: Map<string, DirNode>;
  files: MhlWriteFile[];
  content?: Partial<Record<MhlHashFormat, string>>;
  structure?: Partial<Record<MhlHashFormat, string>>;
}

function tree(files: MhlWriteFile[]): DirNode {
  const root: DirNode = { name: '', path: '', dirs: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split('/');
    let cur = root;
    for (const p of parts.slice(0, -1)) {
      let next = cur.dirs.get(p);
      if (!next) cur.dirs.set(p, (next = { name: p, path: cur.path ? `${cur.path}/${p}` : p, dirs: new Map(), files: [] }));
      cur = next;
    }
    cur.files.push(f);
  }
  return root;
}

/** Fills content and structure hashes of `node` and every folder below it, per format. */
async function hashTree(node: DirNode, formats: MhlHashFormat[]): Promise<void> {
  for (const d of node.dirs.values()) await hashTree(d, formats);
  node.content = {};
  node.structure = {};
  for (const f of formats) {
    const content: string[] = [];
    const structure: string[] = [];
    for (const file of node.files) {
      const h = file.hashes[f]!;
      content.push(h);
      structure.push(await structureEntry(f, entryName(file.path), h));
    }
    for (const d of node.dirs.values()) {
      content.push(d.content![f]!);
      structure.push(await structureEntry(f, d.name, d.structure![f]!));
    }
    node.content[f] = await hashOfHashList(f, content);
    node.structure[f] = await hashOfHashList(f, structure);
  }
}

const ordered = (formats: MhlHashFormat[]) => ASC_MHL_FORMATS.filter((f) => formats.includes(f));

/**
 * Writes the next generation of `folder`'s ASC MHL history (the first when it has none) and
 * appends it to ascmhl_chain.xml with its C4 ID. Each file is marked `original` the first time the
 * history lists it in a format, `verified` when its hash equals the latest recorded one, `failed`
 * when it differs. Files and the chain are written to a temporary name, fsynced and renamed, so a
 * crash leaves the previous chain whole. Throws TypeError when a file lacks a hash of a requested
 * format or `formats` holds none ASC MHL writes; fs errors pass through.
 */
export async function writeMhlGeneration(opts: MhlWriteOptions): Promise<MhlWriteResult> {
  const formats = ordered(opts.formats);
  if (!formats.length) throw new TypeError('writeMhlGeneration: give at least one ASC MHL hash format (c4, md5, sha1, xxh128, xxh3, xxh64)');
  for (const f of opts.files) {
    for (const fmt of formats) if (!f.hashes[fmt]) throw new TypeError(`writeMhlGeneration: ${f.path} has no ${fmt} hash`);
  }
  const now = opts.now ?? new Date();
  const dir = join(opts.folder, ASC_MHL_DIR);
  const previous = hasAscMhlHistory(opts.folder) ? await readAscMhlHistory(opts.folder) : null;
  const expected = previous ? expectedFiles(previous) : new Map();
  let chain: ChainEntry[] = [];
  try {
    chain = parseChain(join(dir, CHAIN_FILE));
  } catch {
    chain = [];
  }
  const sequence = Math.max(0, ...chain.map((c) => c.sequence), ...(previous?.generations.map((g) => g.sequence) ?? [])) + 1;
  const files = [...opts.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const root = tree(files);
  await hashTree(root, formats);
  const date = mhlDate(now);
  const actions: MhlWriteResult['actions'] = {};
  const fileXml = (f: MhlWriteFile, indent: string): string => {
    const before = expected.get(f.path);
    let overall: 'original' | 'verified' | 'failed' = 'original';
    const values = formats.map((fmt) => {
      const was = before?.hashes[fmt];
      const action = was === undefined ? 'original' : was === f.hashes[fmt] ? 'verified' : 'failed';
      if (action === 'failed') overall = 'failed';
      else if (action === 'verified' && overall === 'original') overall = 'verified';
      return `${indent}  <${fmt} action="${action}" hashdate="${date}">${escapeXml(f.hashes[fmt]!)}</${fmt}>\n`;
    }).join('');
    actions[f.path] = overall;
    const mod = f.mtime ? ` lastmodificationdate="${mhlDate(f.mtime)}"` : '';
    return `${indent}<hash>\n${indent}  <path size="${f.bytes}"${mod}>${escapeXml(f.path)}</path>\n${values}${indent}</hash>\n`;
  };
  const pair = (node: DirNode, indent: string) =>
    `${indent}<content>\n${formats.map((f) => `${indent}  <${f} hashdate="${date}">${node.content![f]}</${f}>\n`).join('')}${indent}</content>\n` +
    `${indent}<structure>\n${formats.map((f) => `${indent}  <${f} hashdate="${date}">${node.structure![f]}</${f}>\n`).join('')}${indent}</structure>\n`;
  // Depth first with names sorted, each folder's entry after its files, as the reference tool lists them.
  const entries = (node: DirNode): string => {
    const names = [...[...node.dirs.keys()].map((n) => ({ n, dir: true })), ...node.files.map((f) => ({ n: entryName(f.path), dir: false }))]
      .sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
    let out = '';
    for (const e of names) {
      if (e.dir) {
        const d = node.dirs.get(e.n)!;
        out += entries(d);
        out += `    <directoryhash>\n      <path>${escapeXml(d.path)}</path>\n${pair(d, '      ')}    </directoryhash>\n`;
      } else {
        out += fileXml(node.files.find((f) => entryName(f.path) === e.n)!, '    ');
      }
    }
    return out;
  };
  const c = opts.creator;
  const ignore = [...DEFAULT_IGNORE, ...(previous?.generations.at(-1)?.ignore ?? []), ...(opts.ignore ?? [])].filter((p, i, a) => a.indexOf(p) === i);
  const hashesXml = entries(root);
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<hashlist version="2.0" xmlns="urn:ASC:MHL:v2.0">\n' +
    '  <creatorinfo>\n' +
    `    <creationdate>${date}</creationdate>\n` +
    `    <hostname>${escapeXml(c.hostName)}</hostname>\n` +
    `    <tool version="${escapeXml(c.toolVersion)}">${escapeXml(c.tool)}</tool>\n` +
    (c.author ? `    <author>${escapeXml(c.author)}</author>\n` : '') +
    (c.location ? `    <location>${escapeXml(c.location)}</location>\n` : '') +
    (c.comment ? `    <comment>${escapeXml(c.comment)}</comment>\n` : '') +
    '  </creatorinfo>\n  <processinfo>\n' +
    `    <process>${opts.process}</process>\n` +
    `    <roothash>\n${pair(root, '      ')}    </roothash>\n` +
    `    <ignore>\n${ignore.map((p) => `      <pattern>${escapeXml(p)}</pattern>\n`).join('')}    </ignore>\n` +
    '  </processinfo>\n' +
    (hashesXml ? `  <hashes>\n${hashesXml}  </hashes>\n` : '') +
    '</hashlist>\n';
  mkdirSync(dir, { recursive: true });
  const name = generationFileName(sequence, opts.folderName ?? basename(opts.folder), now);
  const buf = Buffer.from(xml, 'utf8');
  writeDurably(join(dir, name), buf);
  const c4 = await hashData('c4', buf);
  chain.push({ sequence, path: name, c4 });
  writeDurably(join(dir, CHAIN_FILE), Buffer.from(chainXml(chain), 'utf8'));
  return { sequence, generationPath: `${ASC_MHL_DIR}/${name}`, c4, actions, root: { content: root.content!, structure: root.structure! } };
}

/** The text of ascmhl_chain.xml for `entries` (ASCMHLDirectory.xsd). */
export function chainXml(entries: readonly ChainEntry[]): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<ascmhldirectory xmlns="urn:ASC:MHL:DIRECTORY:v2.0">\n' +
    entries.map((e) => `  <hashlist sequencenr="${e.sequence}">\n    <path>${escapeXml(e.path)}</path>\n    <c4>${e.c4}</c4>\n  </hashlist>\n`).join('') +
    '</ascmhldirectory>\n';
}

/** Writes `buf` to `path` through a temporary file: write, fsync, rename. */
function writeDurably(path: string, buf: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    let done = 0;
    while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
