// `evidence key create|list|export-public|check` as a user runs them: the fingerprint printed as
// OpenSSH prints it, the passphrase from the environment or a no-echo terminal prompt, clear
// errors (exit 1 for a wrong passphrase, 2 for what the user must choose or give).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVIDENCE_BIN } from '../helpers/cli.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const HAS_SSH_KEYGEN = spawnSync('ssh-keygen', ['-?']).error === undefined;
const HAS_PYTHON = spawnSync('python3', ['--version']).error === undefined;
const root = mkdtempSync(join(tmpdir(), 'ea-cli-key-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
let keys: string;
const PASS = 'a long passphrase';

beforeEach(() => {
  keys = join(root, `keys-${++n}`);
  process.env.EVIDENCE_KEYS_DIR = keys;
  delete process.env.EVIDENCE_KEY_PASSPHRASE;
  delete process.env.EVIDENCE_KEY;
});
afterEach(() => {
  delete process.env.EVIDENCE_KEYS_DIR;
  delete process.env.EVIDENCE_KEY_PASSPHRASE;
  delete process.env.EVIDENCE_KEY;
});

describe('evidence key', () => {
  it('create prints the OpenSSH fingerprint and public key line; list and export-public show the same key; check unlocks it', async () => {
    process.env.EVIDENCE_KEY_PASSPHRASE = PASS;
    const c = await runCli('key', 'create', '--name', 'batken-group');
    expect(c.code, c.err).toBe(0);
    const lines = c.out.split('\n');
    expect(lines[0]).toBe(`Created the signing key "batken-group" (Ed25519) in ${join(keys, 'batken-group')}`);
    expect(lines[1]).toBe('The key fingerprint is:');
    const fp = lines[2]!.split(' ')[0]!;
    expect(lines[2]).toMatch(/^SHA256:[A-Za-z0-9+/]{43} batken-group$/);
    expect(lines[4]).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]+ batken-group$/);
    expect(c.out).not.toContain(PASS);
    expect(c.out).not.toMatch(/PRIVATE KEY/);

    const pub = await runCli('key', 'export-public');
    expect(pub.code).toBe(0);
    expect(pub.out).toBe(`${lines[4]}\n`);
    if (HAS_SSH_KEYGEN) {
      const f = join(root, `pub-${n}`);
      writeFileSync(f, pub.out);
      expect(spawnSync('ssh-keygen', ['-l', '-f', f], { encoding: 'utf8' }).stdout).toBe(`256 ${fp} batken-group (ED25519)\n`);
    }
    const pgp = await runCli('key', 'export-public', '--format', 'openpgp');
    expect(pgp.out).toMatch(/^-----BEGIN PGP PUBLIC KEY BLOCK-----\n[\s\S]+-----END PGP PUBLIC KEY BLOCK-----\n$/);
    expect((await runCli('key', 'export-public', '--format', 'pem')).code).toBe(2);

    const list = await runCli('key', 'list');
    expect(list.out).toMatch(new RegExp(`^batken-group \\(default\\)  ${fp.replace(/[+/]/g, '\\$&')}  created \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n$`));
    const json = JSON.parse((await runCli('key', 'list', '--json')).out) as { name: string; fingerprint: string; publicKey: string }[];
    expect(json).toEqual([expect.objectContaining({ name: 'batken-group', fingerprint: fp, publicKey: lines[4]!.replace(/ batken-group$/, '') })]);

    const ok = await runCli('key', 'check');
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toBe(`The passphrase unlocks the key "batken-group" (${fp}).\n`);
    // Nothing in the key folder holds the passphrase or a clear private key.
    for (const f of ['key.json', 'id_ed25519.pub', 'openpgp-public.asc', 'private-key.pem']) {
      const text = readFileSync(join(keys, 'batken-group', f), 'utf8');
      expect(text).not.toContain(PASS);
      expect(text).not.toMatch(/BEGIN PRIVATE KEY/);
    }
  });

  it('a wrong passphrase is a clear error with exit 1, not a crash', async () => {
    process.env.EVIDENCE_KEY_PASSPHRASE = PASS;
    expect((await runCli('key', 'create', '--name', 'k')).code).toBe(0);
    process.env.EVIDENCE_KEY_PASSPHRASE = 'not the passphrase';
    const r = await runCli('key', 'check');
    expect(r.code).toBe(1);
    expect(r.err).toBe('evidence: the passphrase does not unlock the key "k"; check EVIDENCE_KEY_PASSPHRASE or what you typed, and run the command again (a lost passphrase cannot be recovered: create a new key and tell your recipients its fingerprint)\n');
  });

  it('without a passphrase and without a terminal, says how to give one (exit 2); no key, several keys and an unknown name are named', async () => {
    const none = await runCli('key', 'create', '--name', 'k');
    expect(none.code).toBe(2);
    expect(none.err).toBe('evidence: creating a signing key needs the key\'s passphrase: set the environment variable EVIDENCE_KEY_PASSPHRASE, or run the command in a terminal to be asked for it\n');
    expect((await runCli('key', 'list')).out).toBe(`No signing key in ${keys}; create one with \`evidence key create --name NAME\`.\n`);
    const noKey = await runCli('key', 'export-public');
    expect(noKey.code).toBe(2);
    expect(noKey.err).toContain(`no signing key in ${keys}`);

    process.env.EVIDENCE_KEY_PASSPHRASE = PASS;
    expect((await runCli('key', 'create', '--name', 'alpha')).code).toBe(0);
    expect((await runCli('key', 'create', '--name', 'beta')).code).toBe(0);
    const amb = await runCli('key', 'export-public');
    expect(amb.code).toBe(2);
    expect(amb.err).toBe('evidence: several signing keys exist (alpha, beta); choose one with --name NAME or the environment variable EVIDENCE_KEY\n');
    expect((await runCli('key', 'export-public', '--name', 'beta')).code).toBe(0);
    process.env.EVIDENCE_KEY = 'alpha';
    expect((await runCli('key', 'list')).out).toMatch(/^alpha \(default\) .*\nbeta  /);
    const unknown = await runCli('key', 'export-public', '--name', 'gamma');
    expect(unknown.err).toBe('evidence: no signing key named "gamma" (keys: alpha, beta)\n');
    const dup = await runCli('key', 'create', '--name', 'Alpha');
    expect(dup.code).toBe(2);
    expect(dup.err).toBe(`evidence: a key named "alpha" already exists in ${keys}\n`);
    const bad = await runCli('key', 'create', '--name', '../x');
    expect(bad.err).toMatch(/cannot name a key/);
  });

  it.skipIf(!HAS_PYTHON)('on a terminal, asks for the passphrase twice without echoing it', () => {
    // A pseudo-terminal, as a user's: the CLI must see a TTY on stdin and stderr and switch off echo.
    const script = `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
out = b''
def wait_for(s):
    global out
    while s not in out:
        chunk = os.read(fd, 4096)
        if not chunk: raise SystemExit('eof before ' + repr(s) + ': ' + repr(out))
        out += chunk
wait_for(b'Passphrase for the key "tty-key": ')
os.write(fd, b'${PASS}\\r')
wait_for(b'The same passphrase again: ')
os.write(fd, b'${PASS}\\r')
try:
    while True:
        chunk = os.read(fd, 4096)
        if not chunk: break
        out += chunk
except OSError:
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
`;
    const r = spawnSync('python3', ['-c', script, process.execPath, EVIDENCE_BIN, 'key', 'create', '--name', 'tty-key'], {
      env: { ...process.env, EVIDENCE_KEYS_DIR: keys, EVIDENCE_KEY_PASSPHRASE: '' }, encoding: 'utf8', timeout: 60_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('The key fingerprint is:');
    expect(r.stdout).not.toContain(PASS);
    process.env.EVIDENCE_KEY_PASSPHRASE = PASS;
    return runCli('key', 'check', '--name', 'tty-key').then((c) => expect(c.code).toBe(0));
  });
});
