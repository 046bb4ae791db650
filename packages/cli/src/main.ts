// The s3-dr executable: scripts/build.mjs bundles this file into dist/s3-dr.js.
import { run } from './cli';

// A reader that went away (`s3-dr verify --help | head -1`) is no error of ours: stop quietly, as
// a program killed by SIGPIPE would (exit code 128 + 13), instead of printing a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(141);
    throw err;
  });
}

// On Node.js 20 every AWS SDK client prints a multi-line NodeVersionSupportWarning to stderr, which
// would bury the CLI's one-line messages. --debug keeps it. (The SDK reads this when it builds a client.)
if (!process.argv.includes('--debug')) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
