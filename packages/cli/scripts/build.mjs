// Bundles the CLI into one executable, dist/s3-dr.js: commander and the naming contract inlined,
// the AWS SDK left to the package's dependencies. Run by `npm run build` (and the root `prepare`).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryDir = join(packageDir, '..', '..');
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const outfile = join(packageDir, 'dist', 's3-dr.js');

const result = await build({
  absWorkingDir: repositoryDir,
  entryPoints: [join(packageDir, 'src', 'main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  // The package's runtime dependencies, installed next to it.
  external: ['@aws-sdk/*', '@smithy/*'],
  // The naming contract's sources: packages/naming has no build output until jsii runs.
  alias: { 's3-dr-naming': './packages/naming/src/index.ts' },
  define: { S3_DR_VERSION: JSON.stringify(version) },
  metafile: true,
  write: false,
  logLevel: 'warning',
});

// Whatever is inlined must be the CLI, the naming contract or commander: never the CDK app or
// construct library (lib/, packages/cdk, aws-cdk-lib, constructs), which would ship with the CLI.
const ours = ['packages/cli/src/', 'packages/naming/src/'];
const strays = Object.keys(result.metafile.inputs)
  .map((input) => input.split(sep).join('/'))
  .filter(
    (input) =>
      !ours.some((root) => input.startsWith(root)) &&
      // commander, wherever node_modules really is (a sandbox may link it from elsewhere)
      !/^(\.\.\/)*node_modules\/commander\//.test(input),
  );
if (strays.length > 0) {
  console.error(`s3-dr build: the CLI must not include ${strays.join(', ')}`);
  process.exit(1);
}

// Written under another name and renamed, so that a run never sees a half-written file.
mkdirSync(dirname(outfile), { recursive: true });
const temporary = `${outfile}.${process.pid}.tmp`;
writeFileSync(temporary, result.outputFiles[0].contents, { mode: 0o755 });
chmodSync(temporary, 0o755);
renameSync(temporary, outfile);
console.log(`s3-dr build: ${relative(repositoryDir, outfile)} (${version})`);
