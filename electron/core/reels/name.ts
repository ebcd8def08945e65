// The rule for a reel name given by the user, apart from the reel code so that the ingest
// command can check --reel before its worker threads start, without loading the catalog.

/** `name` trimmed; throws Error when it is empty, longer than 200 characters or holds control characters. */
export function checkReelName(name: string): string {
  const n = name.trim();
  if (!n || n.length > 200 || /\p{Cc}/u.test(n)) throw new Error(`--reel "${name}": give a name of 1 to 200 printable characters`);
  return n;
}
