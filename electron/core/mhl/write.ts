// Writing ASC MHL v2.0: one new generation of a folder's history (ascmhl/NNNN_<folder>_<date>_<time>Z.mhl)
// and the chain file that records each generation's C4 ID (ascmhl/ascmhl_chain.xml), as ASCMHL.xsd
// and ASCMHLDirectory.xsd define them. Directory content and structure hashes are computed as the
// ascmhl reference implementation computes them (hash.ts hashOfHashList, structureEntry).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, join, posix } from 'node:path';
import { ASC_MHL_FORMATS, hashData, hashOfHashList, structureEntry, type MhlHashFormat } from './hash.ts';
import { hashFile } from './files.ts';
import { ASC_MHL_DIR, CHAIN_FILE, expectedFiles, hasAscMhlHistory, parseChain, readAscMhlHistory, type ChainEntry, type ExpectedFile, type MhlHistory } from './read.ts';
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
  /**
   * Append even when the existing history is damaged (historyDamage: a generation or the chain
   * unreadable, a generation's C4 not the chain's). Default false: MhlHistoryDamagedError, nothing written.
   */
  acceptDamagedHistory?: boolean;
}

/** One hash the new generation found different from the one the history recorded (ASC MHL action "failed"). */
export interface MhlVerifyFailure {
  path: string;
  format: MhlHashFormat;
  /** The value the history recorded (its latest not failed). */
  expected: string;
  /** The value computed now, written with action="failed". */
  found: string;
}

/**
 * Raised before anything is written when the folder's existing ASC MHL history is damaged and
 * MhlWriteOptions.acceptDamagedHistory is not set: `problems` name each file and why.
 */
export class MhlHistoryDamagedError extends Error {
  constructor(readonly folder: string, readonly problems: string[]) {
    super(`${join(folder, ASC_MHL_DIR)}: the existing ASC MHL history is damaged; no generation added:\n  ${problems.join('\n  ')}`);
    this.name = 'MhlHistoryDamagedError';
  }
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
  /** Every hash that differs from the history's (each format the history has for the file); empty when all verified. */
  failed: MhlVerifyFailure[];
  /**
   * Files the history lists that the folder no longer holds, sorted. ASC MHL has no element for a
   * missing file (ASCMHL.xsd actions: original, verified, failed): like the reference tool
   * (ascmhl create, "missing file(s)"), the generation leaves them out and the caller reports them.
   */
  missing: string[];
  /** Damage of the existing history that acceptDamagedHistory let through, and warnings (historyDamage); else empty. */
  historyProblems: string[];
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
 * What is wrong with an existing ASC MHL history before a generation is appended to it, one
 * sentence per problem naming the file. `damage` (refused unless accepted): generations or a chain
 * that do not parse or are refused (MhlHistory.problems), generations whose C4 ID is not the one
 * the chain records, chained generations that are gone, generation files the chain does not list.
 * `warnings` (reported, not refused): a history with no chain file at all (as a hand-made or
 * partial history can be), whose generations then cannot be checked.
 */
export function historyDamage(history: MhlHistory): { damage: string[]; warnings: string[] } {
  const dir = join(history.root, ASC_MHL_DIR);
  const chainPath = join(dir, CHAIN_FILE);
  const noChain = !existsSync(chainPath);
  const damage: string[] = [];
  const warnings: string[] = [];
  for (const p of history.problems) (noChain && p.startsWith(`${chainPath}:`) ? warnings : damage).push(p);
  for (const c of history.chain) {
    const file = join(dir, c.path);
    if (c.status === 'mismatch') damage.push(`${file}: its C4 ID ${c.found ?? '?'} is not the ${c.expected ?? '?'} the chain (${CHAIN_FILE}) records for generation ${c.sequence}: changed after it was written`);
    else if (c.status === 'missing') damage.push(`${file}: generation ${c.sequence} is listed in ${CHAIN_FILE} but the file is gone`);
    else if (c.status === 'unlisted' && !noChain) damage.push(`${file}: a generation file that ${CHAIN_FILE} does not list`);
  }
  return { damage, warnings };
}

/**
 * Reads the history of `folder` (null when it has none) and what is wrong with it (historyDamage):
 * `problems` is the damage let through by `accept` followed by the warnings. Throws
 * MhlHistoryDamagedError when there is damage and `accept` is false; never otherwise.
 */
export async function checkHistoryForAppend(folder: string, accept = false): Promise<{ history: MhlHistory | null; problems: string[] }> {
  if (!hasAscMhlHistory(folder)) return { history: null, problems: [] };
  const history = await readAscMhlHistory(folder);
  const { damage, warnings } = historyDamage(history);
  if (damage.length && !accept) throw new MhlHistoryDamagedError(folder, damage);
  return { history, problems: [...damage, ...warnings] };
}

/**
 * Writes the next generation of `folder`'s ASC MHL history (the first when it has none) and
 * appends it to ascmhl_chain.xml with its C4 ID. Each file is marked `original` the first time the
 * history lists it in a format, `verified` when its hash equals the latest recorded one, `failed`
 * when it differs. Every file the history lists is checked in every format the history has for it
 * (an md5-only history is checked by md5 even when xxh128 is asked for; a hash missing from
 * `files` is computed from the file in `folder`), and, as the reference tool does, a file that
 * fails keeps no `original` hash of a new format: a damaged file's hash is never recorded as its
 * original. Files the history lists and `files` lacks are returned in `missing`. The existing
 * history is checked first (checkHistoryForAppend): MhlHistoryDamagedError unless
 * acceptDamagedHistory; an unreadable chain is then kept beside the new one as
 * ascmhl_chain.xml.unreadable-<time>. Files and the chain are written to a temporary name, fsynced and renamed, so a
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
  const { history: previous, problems: historyProblems } = await checkHistoryForAppend(opts.folder, opts.acceptDamagedHistory);
  const expected = previous ? expectedFiles(previous) : new Map<string, ExpectedFile>();
  let chain: ChainEntry[] = [];
  let chainUnreadable = false;
  try {
    chain = parseChain(join(dir, CHAIN_FILE));
  } catch {
    chain = [];
    chainUnreadable = existsSync(join(dir, CHAIN_FILE));
  }
  if (previous && !existsSync(join(dir, CHAIN_FILE))) {
    // No chain at all: the generations found are chained as they are now (the warning says they could not be checked), so the next run does not see them as unlisted.
    for (const g of previous.generations) chain.push({ sequence: g.sequence, path: g.fileName, c4: await hashData('c4', readFileSync(join(dir, g.fileName))) });
  }
  // Every format the history has for a file is checked: hashes the caller did not compute are read from the file.
  const given = new Set(opts.files.map((f) => f.path));
  const inputs: MhlWriteFile[] = await Promise.all(opts.files.map(async (f) => {
    const was = expected.get(f.path);
    const lacking = was ? ordered(Object.keys(was.hashes) as MhlHashFormat[]).filter((fmt) => !f.hashes[fmt]) : [];
    if (!lacking.length) return f;
    const more = await hashFile(join(opts.folder, ...f.path.split('/')), lacking);
    return { ...f, hashes: { ...more.hashes, ...f.hashes } };
  }));
  const missing = [...expected.keys()].filter((p) => !given.has(p)).sort();
  const sequence = Math.max(0, ...chain.map((c) => c.sequence), ...(previous?.generations.map((g) => g.sequence) ?? [])) + 1;
  const files = [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const root = tree(files);
  await hashTree(root, formats);
  const date = mhlDate(now);
  const actions: MhlWriteResult['actions'] = {};
  const failed: MhlVerifyFailure[] = [];
  const fileXml = (f: MhlWriteFile, indent: string): string => {
    const before = expected.get(f.path);
    const recorded = ordered(Object.keys(before?.hashes ?? {}) as MhlHashFormat[]);
    let overall: 'original' | 'verified' | 'failed' = 'original';
    const verdicts = new Map<MhlHashFormat, 'original' | 'verified' | 'failed'>();
    for (const fmt of recorded) {
      const was = before!.hashes[fmt]!;
      const ok = was === f.hashes[fmt];
      verdicts.set(fmt, ok ? 'verified' : 'failed');
      if (!ok) failed.push({ path: f.path, format: fmt, expected: was, found: f.hashes[fmt]! });
    }
    const anyFailed = [...verdicts.values()].includes('failed');
    // A new format is recorded as original only for a file that verified (or is new): never the hash of a damaged file.
    if (!anyFailed) for (const fmt of formats) if (!verdicts.has(fmt)) verdicts.set(fmt, 'original');
    const values = ordered([...verdicts.keys()]).map((fmt) => {
      const action = verdicts.get(fmt)!;
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
  // An unreadable chain (let through by acceptDamagedHistory) is kept, not overwritten: it is evidence of what happened.
  if (chainUnreadable) renameSync(join(dir, CHAIN_FILE), join(dir, `${CHAIN_FILE}.unreadable-${date.slice(0, 19).replaceAll(':', '')}`));
  chain.push({ sequence, path: name, c4 });
  writeDurably(join(dir, CHAIN_FILE), Buffer.from(chainXml(chain), 'utf8'));
  return { sequence, generationPath: `${ASC_MHL_DIR}/${name}`, c4, actions, failed, missing, historyProblems, root: { content: root.content!, structure: root.structure! } };
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
