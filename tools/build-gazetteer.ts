// Regenerates resources/gazetteer/places.csv from ../shared/data/gazetteer-batken.csv:
//   node bin/run-ts.mjs tools/build-gazetteer.ts [source.csv]
// tests/unit/gazetteer-seed.test.ts fails when the shipped file and this build disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildGazetteerSeed, seedCsv } from '../electron/core/catalog/gazetteer-build.ts';

const source = resolve(process.argv[2] ?? '../shared/data/gazetteer-batken.csv');
const rows = buildGazetteerSeed(readFileSync(source, 'utf8'));
writeFileSync(resolve('resources/gazetteer/places.csv'), seedCsv(rows));
const withCoord = rows.filter((r) => r.lat).length;
process.stdout.write(`resources/gazetteer/places.csv: ${rows.length} places, ${withCoord} with a redistributable coordinate\n`);
