#!/usr/bin/env node
'use strict';
// CommonJS on purpose (bin/package.json): a CommonJS entry starts without Node's ESM loader,
// which keeps `spark-style --help` and `spark-style styles` close to bare `node` (see build.mjs).
const { main } = require('../dist/cli/main.cjs');

main(process.argv).then((code) => {
  process.exitCode = code;
});
