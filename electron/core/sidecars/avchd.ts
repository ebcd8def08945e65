// AVCHD / Blu-ray BDMV navigation files: a playlist (`PLAYLIST/00000.MPL`, `.mpls`) names the
// clips it plays; a clip information file (`CLIPINF/00000.CPI`, `.clpi`) describes one clip
// stream. Layout per the BD-ROM Part 3 "Audio Visual Basic Specifications" (AVCHD uses the same
// structures), as documented by libbluray's mpls_parse.c / clpi_parse.c: the file starts with a
// 4-byte type indicator ("MPLS" or "HDMV") and a 4-byte version ("0100", "0200", "0300");
// in a playlist the uint32 big-endian at offset 8 is the start of PlayList(), which holds
// length (4), reserved (2), number_of_PlayItems (2), number_of_SubPaths (2), then each
// PlayItem: length (2) followed by Clip_Information_file_name (5 ASCII digits) and
// Clip_codec_identifier ("M2TS").

/** Type indicators the files start with. */
const PLAYLIST_MAGIC = 'MPLS';
const CLIPINF_MAGIC = 'HDMV';

/**
 * The clip names ("00000") a playlist's PlayItems list, in play order without repeats. Throws
 * Error naming the reason when the bytes are not a playlist or its PlayList() lies outside them.
 */
export function playlistClips(buf: Buffer): string[] {
  if (buf.length < 12 || buf.toString('latin1', 0, 4) !== PLAYLIST_MAGIC) throw new Error('not an AVCHD/Blu-ray playlist (no "MPLS" type indicator)');
  const start = buf.readUInt32BE(8);
  if (start + 10 > buf.length) throw new Error(`PlayList() at byte ${start} lies past the end of the file (${buf.length} bytes)`);
  const items = buf.readUInt16BE(start + 6);
  const clips: string[] = [];
  let p = start + 10;
  for (let i = 0; i < items; i++) {
    if (p + 2 + 9 > buf.length) throw new Error(`PlayItem ${i + 1} of ${items} lies past the end of the file`);
    const len = buf.readUInt16BE(p);
    const name = buf.toString('latin1', p + 2, p + 7);
    if (!/^\d{5}$/.test(name)) throw new Error(`PlayItem ${i + 1} names no clip (${JSON.stringify(name)})`);
    if (!clips.includes(name)) clips.push(name);
    p += 2 + len;
  }
  return clips;
}

/** True when the bytes start like a clip information file ("HDMV" + a 4-digit version). */
export function isClipInfo(buf: Buffer): boolean {
  return buf.length >= 8 && buf.toString('latin1', 0, 4) === CLIPINF_MAGIC && /^\d{4}$/.test(buf.toString('latin1', 4, 8));
}

/**
 * A minimal well-formed playlist naming `clips` in order (for tests and tools that need one):
 * header, PlayList() with one PlayItem per clip (codec "M2TS", no angles), no marks.
 */
export function buildPlaylist(clips: string[]): Buffer {
  const itemBody = (name: string) => {
    const b = Buffer.alloc(18);
    b.write(name, 0, 'latin1');
    b.write('M2TS', 5, 'latin1');
    return b;
  };
  const items = clips.map((c) => {
    const body = itemBody(c);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(body.length);
    return Buffer.concat([len, body]);
  });
  const playlistBody = Buffer.concat([Buffer.alloc(2), Buffer.from([clips.length >> 8, clips.length & 0xff]), Buffer.alloc(2), ...items]);
  const playlist = Buffer.concat([Buffer.alloc(4), playlistBody]);
  playlist.writeUInt32BE(playlistBody.length, 0);
  const header = Buffer.alloc(40);
  header.write(`${PLAYLIST_MAGIC}0100`, 0, 'latin1');
  header.writeUInt32BE(40, 8);
  return Buffer.concat([header, playlist]);
}
