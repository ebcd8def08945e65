// Options shared by the archive commands, apart from shared.ts so that defining a command does
// not load the archive code (see ingest.ts).
import type { Command } from 'commander';

/** Commander's accumulator for a repeatable option (`--tsa A --tsa B` → ['A', 'B']). */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Adds the options every archive command takes. */
export function archiveOption(cmd: Command): Command {
  return cmd.option('--archive <dir>', 'archive folder (default: $EVIDENCE_ARCHIVE, else ~/EvidenceArchive)');
}
