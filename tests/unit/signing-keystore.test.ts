// The operator's signing keys: where they live, that the private key never touches the disk in
// clear, that a wrong passphrase is a clear refusal, and how the key to sign with is chosen.
import { spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  AmbiguousKeyError, createKey, exportPublicKey, KeyStoreError, keysDir, listKeys, NoSigningKeyError, resolveKey, UnknownKeyError, unlockKey, WrongPassphraseError,
} from '../../electron/core/signing/keystore.ts';
import { readOpenPgpEd25519 } from '../../electron/core/signing/openpgp-identity.ts';
import { decryptPrivateKey, encryptPrivateKey } from '../../electron/core/signing/pkcs8-scrypt.ts';
import { parseOpenSshPublicKey, rawEd25519PublicKey, sshFingerprint, sshsigVerify } from '../../electron/core/signing/sshsig.ts';

const HAS = (cmd: string) => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).error === undefined;
const HAS_OPENSSL = HAS('openssl');
const HAS_SSH_KEYGEN = spawnSync('ssh-keygen', ['-?']).error === undefined;

const root = mkdtempSync(join(tmpdir(), 'ea-keys-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `keys-${++n}`);
/** Fast scrypt for tests: the format and code path are the same, only the cost is lower. */
const CHEAP = { log2N: 10, r: 8, p: 1 };
const PASS = 'тоо-суу 2021 Batken';

afterEach(() => {
  delete process.env.EVIDENCE_KEY;
});

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('keysDir', () => {
  it('is $EVIDENCE_KEYS_DIR, else $XDG_CONFIG_HOME/evidence-archive/keys, else the platform profile folder', () => {
    expect(keysDir({ EVIDENCE_KEYS_DIR: '/k', XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/k');
    expect(keysDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/evidence-archive/keys');
    expect(keysDir({}, 'linux', '/home/u')).toBe('/home/u/.config/evidence-archive/keys');
    expect(keysDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/evidence-archive/keys');
    expect(keysDir({ APPDATA: '/c/Users/u/AppData/Roaming' }, 'win32', '/c/Users/u')).toBe('/c/Users/u/AppData/Roaming/evidence-archive/keys');
  });
});

describe('createKey and unlockKey', () => {
  it('writes the public record, keeps the private key only encrypted (0600 in 0700 folders), and signs after unlocking', async () => {
    const dir = freshDir();
    const info = await createKey({ name: 'a.usenova', passphrase: PASS, dir, scrypt: CHEAP });
    expect(info.name).toBe('a.usenova');
    expect(info.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(info.fingerprint).toBe(sshFingerprint(parseOpenSshPublicKey(info.publicKeyLine)));
    expect(info.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(listKeys(dir)).toEqual([info]);
    expect(readdirSync(info.dir).sort()).toEqual(['id_ed25519.pub', 'key.json', 'openpgp-public.asc', 'private-key.pem']);
    if (process.platform !== 'win32') {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(info.dir).mode & 0o777).toBe(0o700);
      expect(statSync(join(info.dir, 'private-key.pem')).mode & 0o777).toBe(0o600);
    }

    const key = await unlockKey(info, PASS);
    expect(key.fingerprint).toBe(info.fingerprint);
    const sig = key.signSshsig(Buffer.from('x'), 'file');
    expect(sshsigVerify(sig, Buffer.from('x'), 'file').fingerprint).toBe(info.fingerprint);

    // Nothing in the keys folder holds the private key in clear: no unencrypted PKCS#8 or OpenSSH
    // private key header, and the 32 private key bytes appear in no file, raw, hex or base64.
    const clear = await decryptPrivateKey(readFileSync(join(info.dir, 'private-key.pem'), 'utf8'), PASS);
    const seed = Buffer.from(clear.export({ format: 'jwk' }).d!, 'base64url');
    expect(seed.length).toBe(32);
    // The checks below can fail: they find the key in a clear PKCS#8 export.
    const clearDer = clear.export({ format: 'der', type: 'pkcs8' });
    expect(clearDer.includes(Buffer.concat([Buffer.from('0420', 'hex'), seed]))).toBe(true);
    expect(clear.export({ format: 'pem', type: 'pkcs8' }) as string).toMatch(/BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY/);
    for (const f of filesUnder(dir)) {
      const bytes = readFileSync(f);
      const text = bytes.toString('latin1');
      expect(text, f).not.toMatch(/BEGIN (RSA |EC |OPENSSH )?PRIVATE KEY/);
      expect(bytes.includes(seed), f).toBe(false);
      for (const enc of [seed.toString('hex'), seed.toString('base64').slice(0, 40), seed.toString('base64url').slice(0, 40)]) expect(text.includes(enc), f).toBe(false);
      // Nor the DER of the clear PKCS#8 (its Ed25519 prefix followed by the key).
      expect(bytes.includes(Buffer.concat([Buffer.from('0420', 'hex'), seed])), f).toBe(false);
    }
    expect(readFileSync(join(info.dir, 'private-key.pem'), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  });

  it('a wrong passphrase is a WrongPassphraseError with a clear message, not a crash; the right one still works', async () => {
    const dir = freshDir();
    const info = await createKey({ name: 'k', passphrase: PASS, dir, scrypt: CHEAP });
    for (const wrong of ['', 'тоо-суу 2021 batken', `${PASS} `]) {
      const e = await unlockKey(info, wrong).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(WrongPassphraseError);
      expect((e as Error).message).toMatch(/passphrase does not unlock the key "k"/);
      expect((e as WrongPassphraseError).exitCode).toBe(1);
    }
    // The passphrase is NFC-normalized: "й" typed as и + combining breve unlocks a key made with "й".
    const info2 = await createKey({ name: 'k2', passphrase: 'мой пароль 1', dir, scrypt: CHEAP });
    await expect(unlockKey(info2, 'мои\u0306 пароль 1')).resolves.toBeTruthy();
    await expect(unlockKey(info, PASS)).resolves.toBeTruthy();
  });

  it('the private key file is standard PKCS#8 (PBES2, scrypt, AES-256-CBC): OpenSSL opens it with the passphrase only', async () => {
    const dir = freshDir();
    const info = await createKey({ name: 'k', passphrase: PASS, dir, scrypt: { log2N: 14, r: 8, p: 1 } });
    const file = join(info.dir, 'private-key.pem');
    if (!HAS_OPENSSL) return;
    const ok = spawnSync('openssl', ['pkey', '-in', file, '-passin', `pass:${PASS}`, '-pubout'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).toBe(0);
    const pub = createPublicKey(ok.stdout);
    expect(rawEd25519PublicKey(pub).equals(parseOpenSshPublicKey(info.publicKeyLine))).toBe(true);
    expect(spawnSync('openssl', ['pkey', '-in', file, '-passin', 'pass:wrong passphrase', '-pubout']).status).not.toBe(0);
    const parsed = spawnSync('openssl', ['asn1parse', '-in', file], { encoding: 'utf8' }).stdout;
    expect(parsed).toMatch(/PBES2/);
    expect(parsed).toMatch(/scrypt/);
    expect(parsed).toMatch(/aes-256-cbc/);
  });

  it('by default derives the key with scrypt N = 2^17, r = 8 (128 MiB a guess)', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = await encryptPrivateKey(privateKey, PASS);
    const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    // scrypt-params: salt (16 bytes), then INTEGER 131072 (02 03 02 00 00), INTEGER 8, INTEGER 1.
    expect(der.includes(Buffer.from('020302000002010802010102', 'hex'))).toBe(true);
    const back = await decryptPrivateKey(pem, PASS);
    expect(back.export({ format: 'jwk' }).d).toBe(privateKey.export({ format: 'jwk' }).d);
  });

  it('the OpenPGP public key is the same Ed25519 key, with the name as User ID, and its fingerprint is recorded', async () => {
    const dir = freshDir();
    const info = await createKey({ name: 'Айгүл.T', passphrase: PASS, dir, scrypt: CHEAP });
    const armored = exportPublicKey(info, 'openpgp');
    const pgp = await readOpenPgpEd25519(armored);
    expect(pgp.ed25519.equals(parseOpenSshPublicKey(info.publicKeyLine))).toBe(true);
    expect(pgp.fingerprint).toBe(info.openPgpFingerprint);
    expect(pgp.userIds).toEqual(['Айгүл.T']);
    expect(exportPublicKey(info, 'ssh')).toBe(`${info.publicKeyLine} Айгүл.T\n`);
    // Signing rebuilds the OpenPGP key from the seed: same fingerprint each time.
    const key = await unlockKey(info, PASS);
    expect(await key.signOpenPgpDetached(Buffer.from('x'))).toMatch(/^-----BEGIN PGP SIGNATURE-----/);
    expect(key.openPgpPublicKey).toBe(armored);
  });

  it('refuses bad names, short passphrases, a taken name (ignoring case) and a keys folder inside an archive', async () => {
    const dir = freshDir();
    for (const bad of ['', '.hidden', '../x', 'a/b', 'a b', 'x'.repeat(65), 'a\nb']) {
      await expect(createKey({ name: bad, passphrase: PASS, dir, scrypt: CHEAP })).rejects.toThrow(KeyStoreError);
    }
    await expect(createKey({ name: 'ok', passphrase: 'short', dir, scrypt: CHEAP })).rejects.toThrow(/at least 8 characters/);
    await createKey({ name: 'Batken', passphrase: PASS, dir, scrypt: CHEAP });
    await expect(createKey({ name: 'batken', passphrase: PASS, dir, scrypt: CHEAP })).rejects.toThrow(/already exists/);
    const archive = join(root, 'an-archive');
    mkdirSync(archive);
    writeFileSync(join(archive, 'archive.sqlite'), '');
    await expect(createKey({ name: 'x', passphrase: PASS, dir: join(archive, 'keys'), scrypt: CHEAP })).rejects.toThrow(/inside the archive/);
    expect(listKeys(join(archive, 'keys'))).toEqual([]);
  });

  it('a private key file swapped for another key\'s is refused by name, not used', async () => {
    const dir = freshDir();
    const a = await createKey({ name: 'a', passphrase: PASS, dir, scrypt: CHEAP });
    const b = await createKey({ name: 'b', passphrase: PASS, dir, scrypt: CHEAP });
    copyFileSync(join(b.dir, 'private-key.pem'), join(a.dir, 'private-key.pem'));
    await expect(unlockKey(a, PASS)).rejects.toThrow(/private-key\.pem does not hold the key its record/);
    writeFileSync(join(a.dir, 'private-key.pem'), 'garbage');
    await expect(unlockKey(a, PASS)).rejects.toThrow(/private-key\.pem: not an encrypted private key/);
  });
});

describe('resolveKey', () => {
  it('no key, one key (the default), several (a name or EVIDENCE_KEY chooses), an unknown name', async () => {
    const dir = freshDir();
    expect(() => resolveKey(undefined, dir)).toThrow(NoSigningKeyError);
    const a = await createKey({ name: 'alpha', passphrase: PASS, dir, scrypt: CHEAP });
    expect(resolveKey(undefined, dir)).toEqual(a);
    const b = await createKey({ name: 'beta', passphrase: PASS, dir, scrypt: CHEAP });
    const amb = (() => {
      try {
        return resolveKey(undefined, dir);
      } catch (e) {
        return e;
      }
    })();
    expect(amb).toBeInstanceOf(AmbiguousKeyError);
    expect((amb as Error).message).toMatch(/several signing keys exist \(alpha, beta\); choose one with --key NAME or the environment variable EVIDENCE_KEY/);
    expect(resolveKey('beta', dir)).toEqual(b);
    process.env.EVIDENCE_KEY = 'alpha';
    expect(resolveKey(undefined, dir)).toEqual(a);
    expect(() => resolveKey('gamma', dir)).toThrow(UnknownKeyError);
    expect(() => resolveKey('gamma', dir)).toThrow(/no signing key named "gamma" \(keys: alpha, beta\)/);
  });

  it('a key whose creation was cut off (no key.json) is not listed, and its name stays taken until removed', async () => {
    const dir = freshDir();
    await createKey({ name: 'ok', passphrase: PASS, dir, scrypt: CHEAP });
    mkdirSync(join(dir, 'cut'));
    writeFileSync(join(dir, 'cut', 'private-key.pem'), 'partial');
    expect(listKeys(dir).map((k) => k.name)).toEqual(['ok']);
    await expect(createKey({ name: 'cut', passphrase: PASS, dir, scrypt: CHEAP })).rejects.toThrow(/creation was interrupted: remove that folder/);
  });
});

describe.skipIf(!HAS_SSH_KEYGEN)('the public key file', () => {
  it('`ssh-keygen -l` prints the same fingerprint as the key record', async () => {
    const info = await createKey({ name: 'k', passphrase: PASS, dir: freshDir(), scrypt: CHEAP });
    const r = spawnSync('ssh-keygen', ['-l', '-f', join(info.dir, 'id_ed25519.pub')], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe(`256 ${info.fingerprint} k (ED25519)`);
  });
});
