import type { FinishedRun } from './model.js';
import { redact } from '../core/secrets.js';
import { escapeHtml } from './html.js';
import { reportModel } from './model.js';
import { REPORT_GENERATOR, renderReport } from './render.js';
import { thumbnailDataUri } from './thumbnails.js';
import { saveRebuildable } from '../sheet/save-rebuildable.js';

/**
 * Writes the HTML report of a finished run to `target` and returns where it went. A report
 * from an earlier run at that name is replaced (it costs nothing to rebuild); any other file
 * is kept and the report takes the next free name.
 */
export async function writeReport(target: string, run: FinishedRun, now = new Date()): Promise<string> {
  const model = reportModel(run, target, now);
  const files = new Set<string>();
  for (const photo of model.photos) {
    if (photo.original) files.add(photo.original.path);
    for (const item of photo.items) if (item.output) files.add(item.output.path);
  }
  const thumbnails = new Map<string, string>();
  await Promise.all(
    [...files].map(async (file) => {
      const uri = await thumbnailDataUri(file);
      if (uri) thumbnails.set(file, uri);
    }),
  );
  let page = renderReport(model, thumbnails);
  // A second line of defence: the model already removed the key from every text.
  for (const secret of run.secrets) page = redact(redact(page, secret), escapeHtml(secret));
  return saveRebuildable(target, Buffer.from(page), isReport);
}

function isReport(head: Buffer): boolean {
  return head.toString('utf8').includes(`<meta name="generator" content="${REPORT_GENERATOR}">`);
}
