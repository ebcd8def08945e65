// `evidence key create|list|export-public|check`: the operator's signing keys (core/signing/keystore.ts).
// The private key is never printed nor written in clear; what is shown is what a recipient
// compares: the OpenSSH fingerprint "SHA256:…" and the public key line.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { AmbiguousKeyError, createKey, exportPublicKey, KeyError, keysDir, listKeys, resolveKey, unlockKey, type KeyInfo } from '../../core/signing/keystore.ts';
import { printJson, UsageError, type Io } from '../io.ts';
import { readPassphrase } from '../passphrase.ts';
import type { CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { t } from '../i18n/index.ts';

const GROUP = 'key';

function sub(program: Command, name: string): Command {
  const parent = program.commands.find((c) => c.name() === GROUP) ??
    program.command(GROUP).description('signing keys: who made an evidence set (Ed25519; SSH and OpenPGP signatures)');
  return parent.command(name);
}

/** The public record as JSON output shows it (no paths inside the profile beyond the key's folder). */
const asJson = (k: KeyInfo) => ({ name: k.name, fingerprint: k.fingerprint, publicKey: k.publicKeyLine, openPgpFingerprint: k.openPgpFingerprint, createdAt: k.createdAt, dir: k.dir });

/** "ABCD 1234 …": an OpenPGP fingerprint in groups of four, as gpg prints it. */
const grouped = (hex: string) => hex.replace(/(.{4})(?=.)/gu, '$1 ');

/** A default key name from the OS user name, reduced to what a key name may hold. */
function defaultName(): string {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // no user name on this system
  }
  const n = user.normalize('NFC').replace(/[^\p{L}\p{N}._@-]+/gu, '-').replace(/^[^\p{L}\p{N}]+/u, '').slice(0, 64);
  return n || 'signer';
}

/** resolveKey, with the choice named as these commands take it (--name, not export's --key). */
function pick(name?: string): KeyInfo {
  try {
    return resolveKey(name);
  } catch (e) {
    if (e instanceof AmbiguousKeyError) throw new KeyError(e.message.replace('--key NAME', '--name NAME'));
    throw e;
  }
}

const create: CliCommand = {
  define: (p) => sub(p, 'create')
    .option('--name <name>', 'the key\'s name, also its OpenPGP user id (default: your user name)')
    .option('--json', 'print the new key\'s public record as JSON')
    .description('create an Ed25519 signing key; its private key is stored only encrypted with a passphrase ($EVIDENCE_KEY_PASSPHRASE, else asked on the terminal), in $EVIDENCE_KEYS_DIR or your profile, never in an archive'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { name?: string; json?: boolean };
    const name = o.name ?? defaultName();
    const passphrase = await readPassphrase(io, { purpose: 'creating a signing key', keyName: name, confirm: true });
    const k = await createKey({ name, passphrase });
    if (o.json) printJson(io, asJson(k));
    else {
      outLine(io, t('key:createdKey', { name: k.name, dir: k.dir }));
      outLine(io, t('key:fingerprintIs'));
      outLine(io, `${k.fingerprint} ${k.name}`);
      outLine(io, t('key:publicKeyIs'));
      outLine(io, `${k.publicKeyLine} ${k.name}`);
      outLine(io, t('key:openPgp', { fingerprint: grouped(k.openPgpFingerprint) }));
      outLine(io, t('key:giveFingerprint'));
      outLine(io, t('key:keepSafe'));
    }
    return 0;
  },
};

const list: CliCommand = {
  define: (p) => sub(p, 'list').option('--json', 'print the keys as JSON')
    .description('list the signing keys, with their fingerprints'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { json?: boolean };
    const dir = keysDir();
    const keys = listKeys(dir);
    if (o.json) {
      printJson(io, keys.map(asJson));
      return 0;
    }
    if (!keys.length) {
      outLine(io, t('key:none', { dir }));
      return 0;
    }
    const chosen = process.env.EVIDENCE_KEY || (keys.length === 1 ? keys[0]!.name : undefined);
    for (const k of keys) outLine(io, `${k.name}${k.name === chosen ? ` (${t('key:default')})` : ''}  ${k.fingerprint}  ${t('key:created', { at: k.createdAt })}`);
    if (!chosen) outLine(io, t('key:several'));
    return 0;
  },
};

const exportPublic: CliCommand = {
  define: (p) => sub(p, 'export-public')
    .option('--name <name>', 'which key (default: the only key, or $EVIDENCE_KEY)')
    .option('--format <format>', 'ssh (an OpenSSH public key line) or openpgp (an armored OpenPGP public key)', 'ssh')
    .description('print a signing key\'s public key (never the private key)'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { name?: string; format: string };
    if (o.format !== 'ssh' && o.format !== 'openpgp') throw new UsageError(t('key:badFormat', { format: o.format }));
    io.out(exportPublicKey(pick(o.name), o.format));
    return 0;
  },
};

const check: CliCommand = {
  define: (p) => sub(p, 'check')
    .option('--name <name>', 'which key (default: the only key, or $EVIDENCE_KEY)')
    .description('check that the passphrase unlocks a signing key (before a journey, or an export that must be signed)'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { name?: string };
    const info = pick(o.name);
    const key = await unlockKey(info, await readPassphrase(io, { purpose: 'checking the key', keyName: info.name }));
    outLine(io, t('key:unlocks', { name: info.name, fingerprint: key.fingerprint }));
    return 0;
  },
};

export const keyCommands: CliCommand[] = [create, list, exportPublic, check];
