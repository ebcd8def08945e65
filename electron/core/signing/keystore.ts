// The operator's signing keys: one Ed25519 key pair per name, in the user's profile, never inside
// an archive folder (which travels on drives). Each key is a folder of its own:
//   <keys>/<name>/private-key.pem      the private key, only ever encrypted with the passphrase
//                                      (PKCS#8, PBES2 + scrypt + AES-256-CBC; pkcs8-scrypt.ts), 0600
//   <keys>/<name>/id_ed25519.pub       the OpenSSH public key line
//   <keys>/<name>/openpgp-public.asc   the same key as an OpenPGP v4 public key (openpgp-identity.ts)
//   <keys>/<name>/key.json             name, fingerprints, public key line, createdAt; written
//                                      last, so a key without it is one whose creation was cut off
// The folders are 0700. A key is unlocked in memory only, for one command or one export.
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { makeDirs } from '../dirs.ts';
import { syncDir } from '../durable.ts';
import { KeyStoreError, AmbiguousKeyError, NoSigningKeyError, UnknownKeyError, WrongPassphraseError } from './errors.ts';
import { DecryptError, DEFAULT_SCRYPT, decryptPrivateKey, encryptPrivateKey } from './pkcs8-scrypt.ts';
import { openPgpCreationTime, openPgpPrivateKey, openPgpPublic, openPgpSignDetached } from './openpgp-identity.ts';
import { openSshPublicKey, rawEd25519PublicKey, sshFingerprint, sshsigSign } from './sshsig.ts';

export * from './errors.ts';

const META = 'key.json';
const PRIVATE = 'private-key.pem';
const SSH_PUBLIC = 'id_ed25519.pub';
const PGP_PUBLIC = 'openpgp-public.asc';
const FORMAT = 'evidence-key/1';

/** A key's public record: what `key list` shows and what a recipient compares. */
export interface KeyInfo {
  /** The key's name, also its OpenPGP User ID and its folder's name. */
  name: string;
  /** OpenSSH fingerprint of the public key, "SHA256:<unpadded base64>" (as `ssh-keygen -l` prints it). */
  fingerprint: string;
  /** "ssh-ed25519 AAAA…" without a comment. */
  publicKeyLine: string;
  /** When the key was made (UTC ISO 8601, whole seconds; also the OpenPGP key's creation time). */
  createdAt: string;
  /** The OpenPGP v4 fingerprint of the same key, 40 upper-case hex digits (as `gpg` prints it). */
  openPgpFingerprint: string;
  /** The key's folder (absolute). */
  dir: string;
}

/** An unlocked key: signs in memory; the private key is never exposed. */
export interface SigningKey {
  info: KeyInfo;
  fingerprint: string;
  publicKeyLine: string;
  /** An armored SSHSIG (PROTOCOL.sshsig) over `data` in `namespace`, as `ssh-keygen -Y sign -n namespace` makes. */
  signSshsig(data: Buffer, namespace: string): string;
  /** An armored detached OpenPGP signature over `data`, as `gpg --detach-sign --armor` makes. */
  signOpenPgpDetached(data: Buffer): Promise<string>;
  /** The armored OpenPGP public key (the same key material), for signer.asc. */
  openPgpPublicKey: string;
}

/**
 * The folder holding the keys: `$EVIDENCE_KEYS_DIR`, else `$XDG_CONFIG_HOME/evidence-archive/keys`,
 * else the platform's profile folder: `%APPDATA%\evidence-archive\keys` on Windows,
 * `~/Library/Application Support/evidence-archive/keys` on macOS, `~/.config/evidence-archive/keys`
 * elsewhere. Absolute. Throws nothing.
 */
export function keysDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.EVIDENCE_KEYS_DIR) return resolve(env.EVIDENCE_KEYS_DIR);
  if (env.XDG_CONFIG_HOME) return resolve(env.XDG_CONFIG_HOME, 'evidence-archive', 'keys');
  if (platform === 'win32') return resolve(env.APPDATA || join(home, 'AppData', 'Roaming'), 'evidence-archive', 'keys');
  if (platform === 'darwin') return resolve(home, 'Library', 'Application Support', 'evidence-archive', 'keys');
  return resolve(home, '.config', 'evidence-archive', 'keys');
}

/** Letters and digits of any script, then also . _ @ -; 1 to 64 characters. */
const NAME = /^[\p{L}\p{N}][\p{L}\p{N}._@-]{0,63}$/u;
/** The fewest characters a new key's passphrase may have. */
export const MIN_PASSPHRASE = 8;

/**
 * Checks a key name: 1–64 characters, letters and digits of any script and . _ @ -, starting with a
 * letter or digit (it names a folder and is the OpenPGP User ID). Throws KeyStoreError otherwise.
 */
export function checkKeyName(name: string): string {
  const n = name.normalize('NFC');
  if (!NAME.test(n)) throw new KeyStoreError(`"${name}" cannot name a key: use 1 to 64 letters, digits and . _ @ -, starting with a letter or digit`);
  return n;
}

/** The archive folder (holding archive.sqlite) that `dir` lies in, or null. */
function enclosingArchive(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'archive.sqlite'))) return d;
    if (dirname(d) === d) return null;
  }
}

/** Writes `data` to a new file (refusing to replace one), with `mode`, and fsyncs it. */
function writeNewFile(path: string, data: string, mode: number): void {
  const fd = openSync(path, 'wx', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/u;

function readInfo(keyDir: string, folderName: string): KeyInfo | null {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(readFileSync(join(keyDir, META), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const ok = m.format === FORMAT && m.name === folderName && typeof m.fingerprint === 'string' && FINGERPRINT.test(m.fingerprint) &&
    typeof m.publicKey === 'string' && m.publicKey.startsWith('ssh-ed25519 ') && typeof m.createdAt === 'string' &&
    typeof m.openPgpFingerprint === 'string' && /^[0-9A-F]{40}$/u.test(m.openPgpFingerprint);
  if (!ok) return null;
  return { name: m.name as string, fingerprint: m.fingerprint as string, publicKeyLine: m.publicKey as string, createdAt: m.createdAt as string, openPgpFingerprint: m.openPgpFingerprint as string, dir: keyDir };
}

/**
 * Every complete key in `dir` (default keysDir()), sorted by name; [] when the folder does not
 * exist. A folder whose key.json is missing or unreadable (a creation cut off, a stray folder) is
 * left out. Throws the fs error when `dir` exists but cannot be read.
 */
export function listKeys(dir: string = keysDir()): KeyInfo[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: KeyInfo[] = [];
  for (const name of entries) {
    const keyDir = join(dir, name);
    if (!NAME.test(name) || !statSync(keyDir, { throwIfNoEntry: false })?.isDirectory()) continue;
    const info = readInfo(keyDir, name);
    if (info) out.push(info);
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The key to sign with: the one named `name` (else `$EVIDENCE_KEY`); with no name, the only key.
 * Throws UnknownKeyError (naming the keys there are), NoSigningKeyError (none exists) or
 * AmbiguousKeyError (several exist and none was chosen, listing their names).
 */
export function resolveKey(name?: string, dir: string = keysDir()): KeyInfo {
  const keys = listKeys(dir);
  const wanted = name || process.env.EVIDENCE_KEY || undefined;
  if (wanted) {
    const k = keys.find((x) => x.name === wanted.normalize('NFC'));
    if (!k) throw new UnknownKeyError(wanted, keys.map((x) => x.name));
    return k;
  }
  if (!keys.length) throw new NoSigningKeyError(dir);
  if (keys.length > 1) throw new AmbiguousKeyError(keys.map((x) => x.name));
  return keys[0]!;
}

/**
 * Creates an Ed25519 key pair named `name` in `dir` (default keysDir(); made 0700 when missing),
 * its private key encrypted with `passphrase` (at least MIN_PASSPHRASE characters) and written
 * only encrypted, durably (fsync of each file and of the folders). `scrypt` lowers the key
 * derivation's cost for tests only. Throws KeyStoreError for a bad name, a short passphrase, a
 * name already taken (compared ignoring case, as Windows and macOS folders are), or a keys folder
 * inside an archive folder; nothing is left behind when writing fails.
 */
export async function createKey(opts: { name: string; passphrase: string; dir?: string; scrypt?: { log2N: number; r: number; p: number } }): Promise<KeyInfo> {
  const name = checkKeyName(opts.name);
  if ([...opts.passphrase.normalize('NFC')].length < MIN_PASSPHRASE) throw new KeyStoreError(`a key's passphrase needs at least ${MIN_PASSPHRASE} characters`);
  const dir = resolve(opts.dir ?? keysDir());
  const archive = enclosingArchive(dir);
  if (archive) throw new KeyStoreError(`${dir} lies inside the archive ${archive}, which travels on drives; keep keys in your profile (unset EVIDENCE_KEYS_DIR, or point it elsewhere)`);
  if (makeDirs(dir) !== undefined && process.platform !== 'win32') chmodSync(dir, 0o700);
  const taken = readdirSync(dir).find((e) => e.toLowerCase() === name.toLowerCase());
  if (taken) throw new KeyStoreError(`a key named "${taken}" already exists in ${dir}${existsSync(join(dir, taken, META)) ? '' : ' (its creation was interrupted: remove that folder and try again)'}`);
  const keyDir = join(dir, name);
  try {
    mkdirSync(keyDir, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new KeyStoreError(`a key named "${name}" already exists in ${dir}`);
    throw e;
  }
  try {
    const { privateKey } = generateKeyPairSync('ed25519');
    const raw = rawEd25519PublicKey(privateKey);
    const createdAt = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const pem = await encryptPrivateKey(privateKey, opts.passphrase, opts.scrypt ?? DEFAULT_SCRYPT);
    const seed = ed25519Seed(privateKey);
    const pgp = openPgpPublic(await openPgpPrivateKey(seed, raw, openPgpCreationTime(createdAt), name));
    seed.fill(0);
    const info: KeyInfo = { name, fingerprint: sshFingerprint(raw), publicKeyLine: openSshPublicKey(raw), createdAt, openPgpFingerprint: pgp.fingerprint, dir: keyDir };
    writeNewFile(join(keyDir, PRIVATE), pem, 0o600);
    writeNewFile(join(keyDir, SSH_PUBLIC), `${openSshPublicKey(raw, name)}\n`, 0o644);
    writeNewFile(join(keyDir, PGP_PUBLIC), pgp.armored, 0o644);
    const meta = { format: FORMAT, name, fingerprint: info.fingerprint, publicKey: info.publicKeyLine, createdAt, openPgpFingerprint: info.openPgpFingerprint };
    writeNewFile(join(keyDir, META), JSON.stringify(meta, null, 2) + '\n', 0o644);
    await syncDir(keyDir);
    await syncDir(dir);
    return info;
  } catch (e) {
    rmSync(keyDir, { recursive: true, force: true });
    throw e;
  }
}

/** The 32-byte Ed25519 private key (RFC 8032 "seed") of a Node private KeyObject. */
function ed25519Seed(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url');
}

/**
 * A key's public half as text: "ssh" gives the OpenSSH line with the name as comment
 * ("ssh-ed25519 AAAA… name"), "openpgp" the armored OpenPGP public key block. Needs no passphrase.
 * Throws the fs error when the key's files cannot be read.
 */
export function exportPublicKey(info: KeyInfo, format: 'ssh' | 'openpgp'): string {
  if (format === 'openpgp') return readFileSync(join(info.dir, PGP_PUBLIC), 'utf8');
  return `${info.publicKeyLine} ${info.name}\n`;
}

/**
 * Unlocks `info`'s private key with `passphrase` (decrypted in memory only) and returns a
 * SigningKey. Throws WrongPassphraseError when the passphrase does not open it, and
 * KeyStoreError naming the file when the key file is unreadable or does not hold the key its
 * record describes (a swapped file). Takes ~0.3 s (the scrypt derivation).
 */
export async function unlockKey(info: KeyInfo, passphrase: string): Promise<SigningKey> {
  const file = join(info.dir, PRIVATE);
  let pem: string;
  let pgpPublic: string;
  try {
    pem = readFileSync(file, 'utf8');
    pgpPublic = readFileSync(join(info.dir, PGP_PUBLIC), 'utf8');
  } catch (e) {
    throw new KeyStoreError(`key "${info.name}": ${(e as Error).message}`);
  }
  let key: KeyObject;
  try {
    key = await decryptPrivateKey(pem, passphrase);
  } catch (e) {
    if (e instanceof DecryptError && e.message === 'wrong passphrase') throw new WrongPassphraseError(info.name);
    throw new KeyStoreError(`${file}: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519' || openSshPublicKey(rawEd25519PublicKey(createPublicKey(key))) !== info.publicKeyLine) {
    throw new KeyStoreError(`${file} does not hold the key its record (${META}) describes; the key folder was altered`);
  }
  let pgpKey: ReturnType<typeof openPgpPrivateKey> | undefined;
  return {
    info,
    fingerprint: info.fingerprint,
    publicKeyLine: info.publicKeyLine,
    openPgpPublicKey: pgpPublic,
    signSshsig: (data, namespace) => sshsigSign(data, key, namespace),
    signOpenPgpDetached: async (data) => {
      pgpKey ??= (async () => {
        const seed = ed25519Seed(key);
        try {
          const k = await openPgpPrivateKey(seed, rawEd25519PublicKey(key), openPgpCreationTime(info.createdAt), info.name);
          if (k.getFingerprint().toUpperCase() !== info.openPgpFingerprint) throw new KeyStoreError(`key "${info.name}": its OpenPGP form does not match its record`);
          return k;
        } finally {
          seed.fill(0);
        }
      })();
      return openPgpSignDetached(await pgpKey, data);
    },
  };
}

/** The passphrase from `$EVIDENCE_KEY_PASSPHRASE`, or undefined when it is unset or empty. */
export function passphraseFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.EVIDENCE_KEY_PASSPHRASE || undefined;
}
