// Bundles the CLI into one executable, dist/s3-dr.js: commander and the naming contract inlined,
// the AWS SDK and DuckDB left to the package's dependencies. The drill report's charts (Observable Plot, d3
// and the DOM they draw in, linkedom) go to a file of their own, dist/s3-dr-charts.js, which only
// a report's rendering loads: the executable stays small, so every command starts as fast as
// before. Run by `npm run build` (and the root `prepare`).
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryDir = join(packageDir, '..', '..');
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const outfile = join(packageDir, 'dist', 's3-dr.js');
const chartsModule = join(packageDir, 'src', 'commands', 'drill', 'report', 'charts.ts');
const chartsFile = 's3-dr-charts.js';

const common = {
  absWorkingDir: repositoryDir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  metafile: true,
  write: false,
  logLevel: 'warning',
};

// The report's `require('./charts')` becomes a require of the charts file next to the executable.
const chartsApart = {
  name: 'charts-apart',
  setup(builder) {
    builder.onResolve({ filter: /^\.\/charts$/ }, (args) =>
      join(args.resolveDir, 'charts.ts') === chartsModule
        ? { path: `./${chartsFile}`, external: true }
        : undefined,
    );
  },
};

const executable = await build({
  ...common,
  entryPoints: [join(packageDir, 'src', 'main.ts')],
  banner: { js: '#!/usr/bin/env node' },
  // The package's runtime dependencies, installed next to it. DuckDB (verify --inventory --engine
  // local) is a native module: its binding (@duckdb/node-bindings-<platform>) is chosen by npm at
  // install time for the user's platform, so it cannot be bundled; only that engine requires it.
  external: ['@aws-sdk/*', '@smithy/*', '@duckdb/*'],
  // The naming contract's sources: packages/naming has no build output until jsii runs.
  alias: { 's3-dr-naming': './packages/naming/src/index.ts' },
  define: { S3_DR_VERSION: JSON.stringify(version) },
  plugins: [chartsApart],
});

// Minified: it is the libraries' code almost all, read by no one, and a smaller file to parse.
const charts = await build({ ...common, entryPoints: [chartsModule], minify: true });

// Whatever is inlined must be the CLI, the naming contract or commander, and in the charts file
// the charting libraries: never the CDK app or construct library (lib/, packages/cdk,
// aws-cdk-lib, constructs), which would ship with the CLI.
const ours = ['packages/cli/src/', 'packages/naming/src/'];
const chartLibraries = require('./chart-libraries.cjs');
checkInputs(executable, 'dist/s3-dr.js', ['commander']);
checkInputs(charts, `dist/${chartsFile}`, chartLibraries);

function checkInputs(result, name, packages) {
  // Wherever node_modules really is (a sandbox may link it from elsewhere).
  const dependency = new RegExp(`^(\\.\\./)*node_modules/(${packages.join('|')})/`);
  const strays = Object.keys(result.metafile.inputs)
    .map((input) => input.split(sep).join('/'))
    .filter((input) => !ours.some((root) => input.startsWith(root)) && !dependency.test(input));
  if (strays.length > 0) {
    console.error(`s3-dr build: ${name} must not include ${strays.join(', ')}`);
    process.exit(1);
  }
}

// Written under another name and renamed, so that a run never sees a half-written file; the
// charts first, so that an executable never requires a charts file that is not there yet.
mkdirSync(dirname(outfile), { recursive: true });
for (const [file, result, mode] of [
  [join(dirname(outfile), chartsFile), charts, 0o644],
  [outfile, executable, 0o755],
]) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, result.outputFiles[0].contents, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, file);
}
console.log(
  `s3-dr build: ${relative(repositoryDir, outfile)} (${version}), ${relative(repositoryDir, join(dirname(outfile), chartsFile))}`,
);
