import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Replaced by the package version when scripts/build.mjs bundles the CLI (esbuild `define`). */
declare const S3_DR_VERSION: string | undefined;

/**
 * The version of the s3-dr package: written into the executable by scripts/build.mjs; read from
 * package.json when the sources run directly (the in-process tests).
 */
export function packageVersion(): string {
  if (typeof S3_DR_VERSION === 'string') return S3_DR_VERSION;
  const text = readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}
