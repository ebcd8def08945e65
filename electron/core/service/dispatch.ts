import { CHANNELS, fail, isHostChannel, ok, parseInput, type Channel, type Result } from '../../common/ipc.ts';
import { toIpcError } from './errors.ts';
import type { Handlers } from './service.ts';

/**
 * Answers one IPC call: validates `input` against the channel's schema (INVALID_INPUT with the
 * offending fields otherwise), runs the service handler, and wraps the value or the error in the
 * Result envelope; it never throws. With `checkOutput` (tests, development) the value is also
 * checked against the channel's output schema, so a handler cannot drift from the contract
 * unnoticed; a mismatch is an INTERNAL error. Host channels (dialogs, clipboard) are refused:
 * the host answers those itself.
 */
export async function dispatch(handlers: Handlers, channel: string, input: unknown, opts: { checkOutput?: boolean } = {}): Promise<Result<unknown>> {
  const parsed = parseInput(channel, input);
  if (!parsed.ok) return parsed;
  const c = channel as Channel;
  if (isHostChannel(c)) return fail('UNKNOWN_CHANNEL', `${c} is answered by the host, not the archive service`);
  try {
    const handler = handlers[c] as (i: unknown) => Promise<unknown>;
    const value = await handler(parsed.value);
    if (opts.checkOutput) {
      const r = CHANNELS[c].output.safeParse(value);
      if (!r.success) return fail('INTERNAL', `${c}: output breaks the IPC contract: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return ok(value);
  } catch (e) {
    return { ok: false, error: toIpcError(e) };
  }
}
