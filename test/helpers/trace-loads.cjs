// Preloaded with `node --require`: when the process exits, writes every module it loaded
// (CommonJS through require.cache, ESM through a resolve hook) to TRACE_LOADS_FILE, so a test
// can prove that a command never loaded sharp or got.
const { appendFileSync } = require('node:fs');
const { register } = require('node:module');

const file = process.env.TRACE_LOADS_FILE;
register(
  'data:text/javascript,' +
    encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(file)}, resolved.url + '\\n');
  return resolved;
}`),
);
process.on('exit', () => appendFileSync(file, `${Object.keys(require.cache).join('\n')}\n`));
