// `evidence export --mhl`: an ASC MHL v2.0 history of the bag's payload, written as the bag is made.
//
// Where it goes (BagIt stays valid): ascmhl/ at the bag's root, beside data/, describing the bag's
// base folder with every top-level entry except data/ ignored (patterns "/*", "!/data", "!/data/"),
// so its paths are the payload's ("data/…"). The generation file is a tag file: listed in every
// tagmanifest-<alg>.txt (RFC 8493 §2.2.1), so the bag's signature covers it and verify-bag checks
// it. ascmhl_chain.xml is left out of the tag manifests on purpose: an MHL tool that later adds a
// generation in place rewrites the chain, and a listed chain would then make the bag invalid; a
// tag file a tag manifest does not list is allowed (RFC 8493 §2.2.1 "MAY"), and the chain only
// repeats C4 IDs of generation files that are themselves checked.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { ExportDraft } from '../export/evidence-set.ts';
import { hashFile, listFolderFiles, fileFacts } from './files.ts';
import type { MhlHashFormat } from './hash.ts';
import { writeMhlGeneration, type MhlWriteCreator, type MhlWriteResult } from './write.ts';

/** The ignore patterns of a bag's history: everything at the top but data/. */
export const BAG_IGNORE = ['/*', '!/data', '!/data/'];

/**
 * An export step (ExportOptions.beforeComplete) that writes the first generation of an ASC MHL
 * history of the bag's payload into the unfinished bag and lists the generation file in the tag
 * manifests; `done` receives what was written. `folderName` names the bag in the generation's file
 * name (the final folder's name, not "<out>.partial"). Throws fs errors (the export is then abandoned).
 */
export function mhlBagStep(opts: { formats: MhlHashFormat[]; creator: MhlWriteCreator; folderName: string; done?: (r: MhlWriteResult) => void }): (draft: ExportDraft) => Promise<void> {
  return async (draft) => {
    const data = join(draft.bagDir, 'data');
    const files = await Promise.all(listFolderFiles(data).map(async (rel) => {
      const abs = join(data, ...rel.split('/'));
      const { hashes, bytes } = await hashFile(abs, opts.formats);
      return { path: `data/${rel}`, bytes, mtime: fileFacts(abs).mtime, hashes };
    }));
    const r = await writeMhlGeneration({ folder: draft.bagDir, folderName: opts.folderName, files, formats: opts.formats, creator: opts.creator, process: 'transfer', ignore: BAG_IGNORE });
    await draft.addTagFiles([{ path: r.generationPath, content: readFileSync(join(draft.bagDir, r.generationPath)) }]);
    opts.done?.(r);
  };
}
