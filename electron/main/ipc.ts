// Main's IPC adapter: for every channel of the contract, check the sender, validate the
// payload, and answer with a Result — from the host channels here or the archive worker.
import { ipcMain, type BrowserWindow } from 'electron';
import { CHANNEL_NAMES, fail, ipcName, isHostChannel, parseInput, type Channel, type ParsedInput, type Result, type ServiceChannel } from '../common/ipc.ts';
import { pickFiles, pickFolder, writeClipboard } from './host-channels.ts';
import { isTrustedSender } from './security.ts';
import type { ArchiveWorker } from './worker-host.ts';

/** Registers a handler per channel; returns a function removing them. */
export function registerIpc(getWindow: () => BrowserWindow | null, worker: ArchiveWorker, devUrl: string | null): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(ipcName(channel), async (event, input: unknown): Promise<Result<unknown>> => {
      const win = getWindow();
      if (!isTrustedSender(event.senderFrame, win, devUrl)) return fail('FORBIDDEN', `${channel}: refused a call from outside the app's window`);
      const parsed = parseInput(channel, input);
      if (!parsed.ok) return parsed;
      if (isHostChannel(channel)) return hostCall(channel, parsed.value, win!);
      return worker.call(channel as ServiceChannel, parsed.value);
    });
  }
  return () => {
    for (const c of CHANNEL_NAMES) ipcMain.removeHandler(ipcName(c));
  };
}

async function hostCall(channel: Channel, input: unknown, win: BrowserWindow): Promise<Result<unknown>> {
  switch (channel) {
    case 'dialog.pickFolder': return pickFolder(win, input as ParsedInput<'dialog.pickFolder'>);
    case 'dialog.pickFiles': return pickFiles(win);
    case 'clipboard.write': return writeClipboard(input as ParsedInput<'clipboard.write'>);
    default: return fail('UNKNOWN_CHANNEL', channel);
  }
}
