// What the verifier reports: check lines with a status, each with its problems, as message keys
// and parameters, so the page can show them in any of its languages (messages.ts).

import type { MsgKey } from './messages.ts';

/** A message of messages.ts with its parameters ({name} placeholders). */
export interface Msg {
  key: MsgKey;
  params?: Record<string, string | number>;
}

/** Shorthand for a Msg. */
export function msg(key: MsgKey, params?: Record<string, string | number>): Msg {
  return params ? { key, params } : { key };
}

/** One thing found wrong: the bag-relative file and/or custody seq it concerns, and what. */
export interface Problem {
  file?: string;
  seq?: number;
  msg: Msg;
}

/**
 * ok: the check holds. fail: it does not (the set must not be relied on). warn: something is
 * missing that a complete set has (no signature, no seal, no timestamp); info: said for the
 * record, nothing checked.
 */
export type Status = 'ok' | 'fail' | 'warn' | 'info';

/** One line of the report. */
export interface CheckLine {
  /** Stable id: "bagit", "bag-info", "manifest-sha256", "payload-listed", "tagmanifest-sha256", "signature", "timestamps", "custody-events", "seal", "proof", "items". */
  id: string;
  status: Status;
  title: Msg;
  /** One sentence saying what was found. */
  summary: Msg;
  problems: Problem[];
  /** Further sentences shown under the line (what was read, what to run elsewhere). */
  notes: Msg[];
}

/** A status from the problems found: fail when there is any, else `otherwise`. */
export function statusOf(problems: readonly Problem[], otherwise: Status = 'ok'): Status {
  return problems.length > 0 ? 'fail' : otherwise;
}
