// The last page of the report, "How to verify this set": the exact commands for Windows, macOS and
// Linux, filled with this set's signer identity and a real file of the set, as blocks both
// renderers print the same way.
import { dict, fill } from './i18n.ts';
import type { CustodyReportModel } from './model.ts';

export type VerifyBlock = { kind: 'heading'; text: string } | { kind: 'text'; text: string } | { kind: 'code'; lines: string[] };

/** A word for POSIX shells: as is when it is plain, else in single quotes. */
const posixArg = (s: string) => (/^[\w@%+=:,./-]+$/u.test(s) ? s : `'${s.replace(/'/gu, `'\\''`)}'`);
/** A word for cmd.exe: as is when it is plain, else in double quotes (a " inside cannot be given; it is dropped). */
const cmdArg = (s: string) => (/^[\w@+=:,./\\-]+$/u.test(s) ? s : `"${s.replace(/"/gu, '')}"`);

const SIG = 'signatures/tagmanifest-sha256.txt';

/** The blocks of "How to verify this set" for `model`, in its language. */
export function verifyBlocks(model: CustodyReportModel): VerifyBlock[] {
  const d = dict(model.lang);
  const identity = model.set.signer?.identity ?? null;
  const idPosix = identity ? posixArg(identity) : d.verifyIdentityPlaceholder;
  const idCmd = identity ? cmdArg(identity) : d.verifyIdentityPlaceholder;
  const shown = identity ?? d.verifyIdentityPlaceholder;
  const sample = model.items[0]?.bagPath ?? 'data/<file>';
  const ssh = (id: string) => `ssh-keygen -Y verify -f signatures/allowed_signers -I ${id} -n file -s ${SIG}.sshsig < tagmanifest-sha256.txt`;
  const expectKey = model.set.signer ? ` --expect-key ${model.set.signer.fingerprint}` : '';
  return [
    { kind: 'text', text: d.verifyIntro },
    { kind: 'heading', text: d.verifyFingerprintTitle },
    { kind: 'text', text: d.verifyFingerprintText },
    ...(model.set.signer ? [{ kind: 'text' as const, text: fill(d.verifyFingerprintThis, { fp: model.set.signer.fingerprint }) }] : [{ kind: 'text' as const, text: d.notSigned }]),
    { kind: 'heading', text: d.verifyWindowsTitle },
    { kind: 'text', text: d.verifyWindowsHash },
    { kind: 'code', lines: [`certutil -hashfile ${cmdArg(sample.split('/').join('\\'))} SHA256`] },
    { kind: 'text', text: d.verifyWindowsTag },
    { kind: 'code', lines: ['certutil -hashfile tagmanifest-sha256.txt SHA256'] },
    { kind: 'text', text: fill(d.verifyWindowsSig, { identity: shown }) },
    { kind: 'code', lines: [ssh(idCmd)] },
    { kind: 'text', text: d.verifyWindowsHtml },
    { kind: 'heading', text: d.verifyUnixTitle },
    { kind: 'text', text: d.verifyUnixHash },
    { kind: 'code', lines: ['shasum -a 256 -c manifest-sha256.txt', 'sha256sum -c manifest-sha256.txt'] },
    { kind: 'text', text: d.verifyUnixTag },
    { kind: 'code', lines: ['shasum -a 256 tagmanifest-sha256.txt', 'sha256sum tagmanifest-sha256.txt'] },
    { kind: 'text', text: fill(d.verifyUnixSsh, { identity: shown }) },
    { kind: 'code', lines: [ssh(idPosix)] },
    { kind: 'text', text: d.verifyUnixGpg },
    { kind: 'code', lines: ['gpg --import signatures/signer.asc', `gpg --verify ${SIG}.asc tagmanifest-sha256.txt`] },
    { kind: 'text', text: d.verifyUnixTs },
    { kind: 'code', lines: [`openssl ts -verify -data tagmanifest-sha256.txt -in ${SIG}.1.tsr -CAfile ${SIG}.1.tsr.crt`, `openssl ts -reply -in ${SIG}.1.tsr -text`] },
    { kind: 'text', text: d.verifyUnixEvidence },
    { kind: 'code', lines: [`evidence verify-bag .${expectKey}`] },
  ];
}
