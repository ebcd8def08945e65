import type { Command } from 'commander';
import { suggestPlaces } from '../../core/catalog/suggest.ts';
import { resolveItemRef } from '../../core/db/items.ts';
import { printJson, type Io } from '../io.ts';
import { collect, num, usage } from './catalog-shared.ts';
import { archiveOption, withArchive, type CliCommand } from './shared.ts';
import { outLine } from './text.ts';
import { t } from '../i18n/index.ts';

/** `evidence suggest-places`: nearest gazetteer places of items with GPS; suggestions only, nothing is tagged. */
export const suggestPlacesCommand: CliCommand = {
  define: (p: Command) =>
    archiveOption(p.command('suggest-places'))
      .option('--radius <metres>', 'search radius in metres', '5000')
      .option('--item <item>', 'only this item (repeatable)', collect)
      .option('--json', 'print as JSON')
      .description('suggest places for items from their GPS position (great-circle distance); accept with `tag --accept-suggestions`'),
  async run([opts]: unknown[], io: Io) {
    const o = opts as { archive?: string; radius: string; item?: string[]; json?: boolean };
    const radiusM = num(o.radius, '--radius')!;
    return withArchive(o, {}, async (a) => {
      const itemIds = o.item?.map((r) => usage(() => resolveItemRef(a.db, r).id));
      const out = usage(() => suggestPlaces(a.db, { radiusM, itemIds }));
      if (o.json) {
        printJson(io, out);
        return 0;
      }
      for (const s of out) {
        outLine(io, `${String(s.itemId).padStart(5)}  ${s.gps.lat.toFixed(5)}, ${s.gps.lon.toFixed(5)}  ` + (s.suggestions.length
          ? s.suggestions.slice(0, 3).map((g) => `${g.placeId} ${Math.round(g.distanceM)} m${g.country !== 'KG' ? ` (${g.country})` : ''}${g.tagged ? ' ✓' : ''}`).join('; ')
          : t('tag:noPlaceWithin', { m: radiusM })));
      }
      return 0;
    });
  },
};
