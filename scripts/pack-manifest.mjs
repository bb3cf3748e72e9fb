// Keeps `prepare` out of the published package.json, and puts it back after packing.
//
// Why: in a git checkout, `npm ci` must build dist/ (`prepare` runs build.mjs, with esbuild from
// devDependencies). The tarball already holds dist/, so it needs no install script at all, and
// npm 11 warns about every install script of a package it installs ("install-scripts ... not yet
// covered by allowScripts"). npm packs package.json as it is on disk after `prepack`, so
// `prepack` strips the script (into a side file) and `postpack` restores it (pinst's approach,
// for `prepare` rather than `postinstall`).
//   node scripts/pack-manifest.mjs strip     (prepack, after the build)
//   node scripts/pack-manifest.mjs restore   (postpack)
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.env.SPARK_STYLE_PACK_ROOT ?? join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'package.json');
const sidePath = join(root, '.prepare-script.json');
const mode = process.argv[2];

const text = await readFile(manifestPath, 'utf8');
const manifest = JSON.parse(text);
const indent = text.match(/^\{\n(\s+)/)?.[1] ?? '  ';
const write = (value) => writeFile(manifestPath, `${JSON.stringify(value, null, indent)}\n`);

if (mode === 'strip') {
  const prepare = manifest.scripts?.prepare;
  if (prepare !== undefined) {
    await writeFile(sidePath, JSON.stringify({ prepare }));
    delete manifest.scripts.prepare;
    await write(manifest);
  }
} else if (mode === 'restore') {
  if (existsSync(sidePath)) {
    const { prepare } = JSON.parse(await readFile(sidePath, 'utf8'));
    // Put `prepare` back where it was: scripts keep their order for a clean git diff.
    const scripts = {};
    for (const [name, command] of Object.entries(manifest.scripts ?? {})) {
      scripts[name] = command;
      if (name === 'typecheck') scripts.prepare = prepare;
    }
    scripts.prepare ??= prepare;
    manifest.scripts = scripts;
    await write(manifest);
    await rm(sidePath);
  }
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
