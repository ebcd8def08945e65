// The path of a hash-list entry (ASC MHL `<path>`, MHL v1.1 `<file>`): whether it may name a file
// on the card at all, and which file it names.
//
// Validity. ASCMHL.xsd types `<path>` as RelativePathType (a bare xs:string) and the ASC MHL
// specification describes it as the file's path relative to the folder the history describes
// (the parent of ascmhl/); MHL v1.1 `<file>` is relative to the folder of the .mhl. An entry is
// used only when it stays inside that folder: an empty path, a NUL, an absolute path ("/…", "\…",
// "\\server\share"), a Windows drive path ("C:\…", "C:x") or a ".." segment (with "/" or "\" as
// the separator: on Windows "..\x" leaves the folder too) makes it an invalid entry, reported and
// never used to read, hash or compare a file.
//
// Separators (D6). Paths in ASC MHL are written with "/" whatever the writer's system (the
// reference implementation, ascmitc/mhl ascmhl/paths.py `_convert_local_to_xml_path`: "anything
// to posix"; a Windows-style path is "against the ASC MHL specification"). On Linux and macOS "\"
// is an ordinary name character, so the literal reading comes first: `clip\01.mov` names a file of
// that name. Lists written on Windows (often MHL v1.1, and some ASC MHL writers) use "\" as the
// separator; the reference reader's robust mode (`_convert_xml_to_local_path` with
// convert_from_windows_paths) reads a path holding "\" and no "/" as a Windows path, and one
// holding both ("mixed") as POSIX ("probably a backslash in a path name"). We do the same, with the
// literal name first: a path with "\" and no "/" names the file of that literal name when the card
// has one, else the file at the folders the backslashes separate (`Clips\A001.mov` → Clips/A001.mov).

/** Why `path` (an entry's path as the list writes it, trimmed) cannot name a file inside the list's folder, or null when it can. */
export function invalidEntryReason(path: string): string | null {
  if (path === '') return 'the path is empty';
  if (path.includes('\u0000')) return 'the path holds a NUL character';
  if (/^[A-Za-z]:/u.test(path)) return "a Windows drive path, not relative to the hash list's folder";
  if (path.startsWith('/') || path.startsWith('\\')) return "an absolute path, not relative to the hash list's folder";
  if (path.split(/[\\/]/u).includes('..')) return `leads out of the hash list's folder ("..")`;
  if (segmentsOf(path, '/').length === 0) return "names the hash list's folder itself, not a file";
  return null;
}

const segmentsOf = (path: string, separator: string): string[] => path.split(separator).filter((s) => s !== '' && s !== '.');

/**
 * The readings of a valid entry path, as name segments below the list's folder, in the order to
 * try them: the literal one ("/" separates, "\" is a name character), then, for a path with "\" and
 * no "/", the Windows one ("\" separates). See the rule above. Call only for a path
 * invalidEntryReason accepts.
 */
export function entryReadings(path: string): { literal: string[]; windows: string[] | null } {
  const literal = segmentsOf(path, '/');
  const windows = path.includes('\\') && !path.includes('/') ? segmentsOf(path, '\\') : null;
  return { literal, windows: windows && windows.length ? windows : null };
}
