#!/usr/bin/env node
// The s3-dr command: runs the bundle that scripts/build.mjs writes (dist/s3-dr.js). A file of its
// own, so that npm links the command when it installs the workspace, before anything is built.
try {
  require.resolve('../dist/s3-dr.js');
} catch {
  process.stderr.write('s3-dr: the CLI is not built: run `npm run build -w s3-dr` in the repository\n');
  process.exit(2);
}
require('../dist/s3-dr.js');
