// Which time-stamping authorities to ask: the ones named on the command line, else $EVIDENCE_TSA.

/**
 * The TSA URLs to use: `given` (e.g. repeated --tsa) when it names any, else the comma-separated
 * list in `env` ($EVIDENCE_TSA), trimmed, blanks and repeats dropped, order kept. [] when neither
 * names one. Pure; throws nothing (a bad URL is that TSA's error when it is asked).
 */
export function resolveTsaUrls(given: readonly string[] | undefined, env: string | undefined = process.env.EVIDENCE_TSA): string[] {
  const list = given?.length ? given : (env ?? '').split(',');
  return [...new Set(list.map((u) => u.trim()).filter(Boolean))];
}
