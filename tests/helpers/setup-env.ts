// Every test file starts with an empty signing-key folder of its own: a developer's own keys
// (~/.config/evidence-archive/keys) must neither sign test exports nor make them ask for a
// passphrase. Tests that sign set EVIDENCE_KEYS_DIR themselves.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.EVIDENCE_KEYS_DIR = join(mkdtempSync(join(tmpdir(), 'evidence-test-keys-')), 'keys');
delete process.env.EVIDENCE_KEY;
delete process.env.EVIDENCE_KEY_PASSPHRASE;
delete process.env.EVIDENCE_TSA;

// Tests read the CLI's English: a developer's Russian or Kyrgyz locale must not change what they
// see. LANG=C.UTF-8 keeps UTF-8 for the tools; children (the CLI in a child process) inherit it.
delete process.env.LC_ALL;
delete process.env.LC_MESSAGES;
delete process.env.EVIDENCE_LANG;
process.env.LANG = 'C.UTF-8';
