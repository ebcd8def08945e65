// The channels main answers itself: system dialogs and the clipboard.
import { clipboard, dialog, type BrowserWindow } from 'electron';
import { ok, type ParsedInput, type Result } from '../common/ipc.ts';

/** Shows the folder dialog for `purpose`; the chosen paths, or [] when cancelled. */
export async function pickFolder(win: BrowserWindow, { purpose }: ParsedInput<'dialog.pickFolder'>): Promise<Result<{ paths: string[] }>> {
  const props: ('openDirectory' | 'createDirectory' | 'multiSelections')[] = ['openDirectory'];
  if (purpose === 'archive' || purpose === 'exportDest') props.push('createDirectory');
  if (purpose === 'import') props.push('multiSelections');
  const r = await dialog.showOpenDialog(win, { properties: props });
  return ok({ paths: r.canceled ? [] : r.filePaths });
}

/** Shows the file dialog for an import; the chosen files, or []. */
export async function pickFiles(win: BrowserWindow): Promise<Result<{ paths: string[] }>> {
  const r = await dialog.showOpenDialog(win, { properties: ['openFile', 'multiSelections'] });
  return ok({ paths: r.canceled ? [] : r.filePaths });
}

/** Writes text (a digest, a bag hash) to the system clipboard. */
export function writeClipboard({ text }: ParsedInput<'clipboard.write'>): Result<null> {
  clipboard.writeText(text);
  return ok(null);
}
