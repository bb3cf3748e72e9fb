/**
 * Output naming now lives in src/naming/ (template, output-path, done, stems, extension).
 * These re-exports keep callers that have not moved yet compiling; new code imports from
 * src/naming/ directly.
 */
import { basename, dirname } from 'node:path';
import { findSavedResult } from '../naming/done.js';

export { sanitizeStem, stemOfPath, stemOfUrl } from '../naming/stems.js';

/** @deprecated Use inspectDestination(item.output) from src/naming/done.ts. */
export async function existingOutput(base: string): Promise<string | null> {
  return findSavedResult({ root: dirname(base), folder: dirname(base), before: basename(base), after: '', hasTask: false });
}
