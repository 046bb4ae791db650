#!/usr/bin/env node
// Entry of the s3-dr CLI: runs the TypeScript sources through tsx, so there is no build step.
require('tsx/cjs');
const { run } = require('../ops/cli.ts');

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
