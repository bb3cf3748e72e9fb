#!/usr/bin/env node
// Kept tiny on purpose: every module loaded here costs startup time for every command.
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
