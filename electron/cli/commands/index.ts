import { exportCommand } from './export.ts';
import { ingestCommand } from './ingest.ts';
import { init } from './init.ts';
import { list } from './list.ts';
import { log } from './log.ts';
import { show } from './show.ts';
import { verify } from './verify.ts';
import { verifyBagCommand } from './verify-bag.ts';
import { caseCommands } from './case.ts';
import { incidentCommands } from './incident.ts';
import { personCommands } from './person.ts';
import { placeCommands } from './place.ts';
import { suggestPlacesCommand } from './suggest-places.ts';
import { tag } from './tag.ts';
import { transferCommand } from './transfer.ts';
import { untag } from './untag.ts';
import type { CliCommand } from './shared.ts';

/** Every `evidence` sub-command, in help order. */
export const COMMANDS: CliCommand[] = [init, ingestCommand, list, show, log, exportCommand, verify, verifyBagCommand,
  ...placeCommands, ...personCommands, ...incidentCommands, ...caseCommands, tag, untag, suggestPlacesCommand, transferCommand];
