// Loaded with `node --import`: records every module specifier the process resolves into the
// file named by TRACE_IMPORTS_FILE, so a test can prove a command never loaded sharp or got.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  appendFileSync(process.env.TRACE_IMPORTS_FILE, specifier + '\\n');
  return next(specifier, context);
}`),
  import.meta.url,
);
