// Why a time-stamp request or a token failed, in words a documenter can act on. One class for
// every failure so that a caller asking several TSAs can report each one and go on.

/** What went wrong with a TSA or its token. */
export type TimestampFailure =
  | 'bad-url'
  | 'unreachable'
  | 'timeout'
  | 'aborted'
  | 'http-status'
  | 'not-a-response'
  | 'rejected'
  | 'no-token'
  | 'imprint-mismatch'
  | 'nonce-mismatch'
  | 'bad-signature'
  | 'eku'
  | 'certificate';

/**
 * A time-stamp request to `url` failed, or its reply did not pass the checks of RFC 3161 §2.4.2.
 * `reason` is a plain sentence without the URL; `message` is "<url>: <reason>".
 */
export class TimestampError extends Error {
  constructor(readonly url: string, readonly kind: TimestampFailure, readonly reason: string) {
    super(`${url}: ${reason}`);
    this.name = 'TimestampError';
  }
}

/** A token check that failed, before the URL is known (token.ts); request.ts adds the URL. */
export class TokenProblem extends Error {
  constructor(readonly kind: TimestampFailure, readonly reason: string) {
    super(reason);
    this.name = 'TokenProblem';
  }
}
