import type { CliCommand } from './shared.ts';

/**
 * Every `evidence` sub-command's module, in help order, under the first word that selects it.
 * Loaded on demand: `evidence ingest` then loads neither the catalog commands nor zod, which
 * were two thirds of the CLI's start-up (the bundle is split along these imports).
 */
const MODULES: [word: string, load: () => Promise<CliCommand[]>][] = [
  ['init', async () => [(await import('./init.ts')).init]],
  ['ingest', async () => [(await import('./ingest.ts')).ingestCommand]],
  ['list', async () => [(await import('./list.ts')).list]],
  ['show', async () => [(await import('./show.ts')).show]],
  ['log', async () => [(await import('./log.ts')).log]],
  ['export', async () => [(await import('./export.ts')).exportCommand]],
  ['verify', async () => [(await import('./verify.ts')).verify]],
  ['verify-bag', async () => [(await import('./verify-bag.ts')).verifyBagCommand]],
  ['replica', async () => (await import('./replica.ts')).replicaCommands],
  ['repair', async () => [(await import('./repair.ts')).repair]],
  ['seal', async () => [(await import('./seal.ts')).sealCommand]],
  ['place', async () => (await import('./place.ts')).placeCommands],
  ['person', async () => (await import('./person.ts')).personCommands],
  ['incident', async () => (await import('./incident.ts')).incidentCommands],
  ['case', async () => (await import('./case.ts')).caseCommands],
  ['tag', async () => [(await import('./tag.ts')).tag]],
  ['untag', async () => [(await import('./untag.ts')).untag]],
  ['suggest-places', async () => [(await import('./suggest-places.ts')).suggestPlacesCommand]],
  ['transfer', async () => [(await import('./transfer.ts')).transferCommand]],
  ['timestamp', async () => [(await import('./timestamp.ts')).timestampCommand]],
  ['key', async () => (await import('./key.ts')).keyCommands],
  ['mhl', async () => [(await import('./mhl.ts')).mhlCommand]],
  ['previews', async () => [(await import('./previews.ts')).previewsCommand]],
  ['contact-sheet', async () => [(await import('./contact-sheet.ts')).contactSheetCommand]],
  ['reel', async () => (await import('./reel.ts')).reelCommands],
  ['compare', async () => [(await import('./compare.ts')).compareCommand]],
  ['credentials', async () => (await import('./credentials.ts')).credentialsCommands],
  ['redact', async () => [(await import('./redact.ts')).redact]],
  ['encrypt', async () => [(await import('./encrypt.ts')).encryptCommand]],
  ['decrypt', async () => [(await import('./encrypt.ts')).decryptCommand]],
  ['rekey', async () => [(await import('./encrypt.ts')).rekeyCommand]],
];

/**
 * The sub-commands to define for `argv` (without node and script): only the named command's
 * module when the first argument names one, every command otherwise (`--help`, `help`, a typo),
 * so help and "unknown command" messages still list them all.
 */
export async function commandsFor(argv: readonly string[]): Promise<CliCommand[]> {
  const chosen = MODULES.filter(([word]) => word === argv[0]);
  return (await Promise.all((chosen.length ? chosen : MODULES).map(([, load]) => load()))).flat();
}
