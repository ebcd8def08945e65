import type { MetadataResult } from '../../common/types.ts';

/** A record with every field empty: what an item keeps when nothing could be read. */
export function emptyFields(): MetadataResult['fields'] {
  return {
    make: null, model: null, serial: null, serialSource: null, capturedAt: null, capturedAtSource: null, capturedAtHasZone: false,
    otherDates: [], gps: null, orientation: null, width: null, height: null, durationSec: null, codec: null,
  };
}
