import { openArchive } from '../../electron/core/archive.ts';
import { listCustodyEvents } from '../../electron/core/custody/log.ts';

/** The custody log's checks of a card against its own hash lists (`fixity check`, scope `source hash list`). */
export async function sourceListEvents(archive: string) {
  const a = await openArchive(archive, { write: false });
  try {
    return listCustodyEvents(a.db, {}).filter((e) => e.type === 'fixity check' && e.detail.scope === 'source hash list');
  } finally {
    await a.close();
  }
}
