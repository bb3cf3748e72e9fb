import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { hasImageExtension } from '../image/extensions.js';
import { isOwnFile } from '../session/own-files.js';
import { ToolRefusal } from './context.js';
import type { Roots } from './roots.js';

/** An http(s) URL input (sent to the service as a URL; taken only with --allow-urls). */
export function isUrlInput(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/**
 * Every input a caller named, as real paths inside the roots, checked before the engine reads
 * a byte. A folder is listed here, one level, each file confined on its own: a symlink inside
 * a root that points out of it is refused, not followed. Only image names are taken from a
 * folder (stylize's own list), never a result's temporary file. URLs only with --allow-urls.
 */
export async function confineInputs(inputs: readonly string[], roots: Roots, allowUrls: boolean): Promise<string[]> {
  if (inputs.length === 0) throw new ToolRefusal('no inputs: give image paths under the allowed roots');
  const confined: string[] = [];
  for (const input of inputs) {
    if (isUrlInput(input)) {
      if (!allowUrls) throw new ToolRefusal(`${input}: URL inputs are off; the server was started without --allow-urls`);
      confined.push(input);
      continue;
    }
    const { real, isFolder } = await roots.input(input);
    if (!isFolder) {
      confined.push(real);
      continue;
    }
    const entries = await readdir(real, { withFileTypes: true });
    const names = entries
      .filter((entry) => !entry.name.startsWith('.') && (entry.isFile() || entry.isSymbolicLink()) && hasImageExtension(entry.name))
      .map((entry) => entry.name);
    for (const name of names.sort()) {
      const file = await roots.input(join(real, name));
      // Results saved beside the photos would otherwise be stylized again on the next call.
      if (!file.isFolder && !(await isOwnFile(file.real))) confined.push(file.real);
    }
  }
  return confined;
}
