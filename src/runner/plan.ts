import { dirname, join, resolve } from 'node:path';
import type { Style } from '../catalog/styles.js';
import { UsageError } from '../core/errors.js';
import type { InputSource } from './inputs.js';
import { outputBase, stemOfPath, stemOfUrl } from './output-names.js';

/** One unit of work and of reporting: one input with one style. */
export interface PlannedItem {
  readonly index: number;
  readonly source: InputSource;
  /** The input as the user will recognise it in messages. */
  readonly input: string;
  readonly style: Style;
  /** Where the result goes, without its extension (known only from the result's bytes). */
  readonly outputBase: string | null;
}

/**
 * Every input with every style, with its output name. Two different inputs that would
 * write the same file are refused before anything is sent.
 */
export function planItems(sources: readonly InputSource[], styles: readonly Style[], outDir: string | undefined): PlannedItem[] {
  const items: PlannedItem[] = [];
  const claimedBy = new Map<string, string>();
  const seen = new Set<string>();
  for (const source of sources) {
    const input = source.kind === 'file' ? source.path : source.kind === 'url' ? source.url : source.label;
    const identity = source.kind === 'file' ? resolve(source.path) : input;
    if (seen.has(identity)) continue; // the same file named twice is one input
    seen.add(identity);
    for (const style of styles) {
      let base: string | null = null;
      if (source.kind === 'file') {
        const folder = outDir ? join(outDir, source.relativeDir) : dirname(source.path);
        base = outputBase(folder, stemOfPath(source.path), style.alias);
      } else if (source.kind === 'url') {
        base = outputBase(outDir ?? '.', stemOfUrl(source.url), style.alias);
      }
      if (base !== null) {
        const key = resolve(base);
        const other = claimedBy.get(key);
        if (other !== undefined) {
          throw new UsageError(`${other} and ${input} would both be saved as ${base}.*`, {
            code: 'output-collision',
            hint: 'rename one of them, or stylize them in separate runs with different --out folders',
          });
        }
        claimedBy.set(key, input);
      }
      items.push({ index: items.length, source, input, style, outputBase: base });
    }
  }
  return items;
}
