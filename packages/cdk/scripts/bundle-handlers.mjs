// Bundles each Lambda handler under lambda/ into assets/<name>/index.js, shipped in the package so
// that a consumer's `cdk synth` needs neither esbuild nor Docker. Prints nothing on success: the
// CDK app runs it before every synth and its stdout must stay clean.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Handler file under lambda/ -> asset folder under assets/. */
export const HANDLERS = {
  'access-point-routes.ts': 'access-point-routes',
  'canary.ts': 'canary',
  'key-arn.ts': 'key-arn',
  'replication-events.ts': 'replication-events',
};

await Promise.all(
  Object.entries(HANDLERS).map(([file, name]) =>
    build({
      entryPoints: [join(root, 'lambda', file)],
      outfile: join(root, 'assets', name, 'index.js'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      // The functions run on Lambda's nodejs24.x runtime, which ships AWS SDK v3: bundling it
      // again would only add cold-start time.
      target: 'node24',
      external: ['@aws-sdk/*'],
      // The naming contract's sources (the package may not be built yet).
      alias: { 's3-dr-naming': join(root, '..', 'naming', 'src', 'index.ts') },
      minify: true,
      legalComments: 'none',
      logLevel: 'warning',
    }),
  ),
);
