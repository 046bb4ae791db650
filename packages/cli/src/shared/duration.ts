import { CliError } from './errors';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const EXAMPLES = '90s, 20m, 1h30m, 1d or 500ms';

/**
 * Parses a duration such as `20m`, `2s`, `1.5s`, `500ms`, `1h30m` or `1d` into milliseconds;
 * `name` is the option, for the error message. Every number needs its unit (`15` alone is
 * refused: 15 seconds or 15 minutes?), except a plain `0`. Zero is refused unless `allowZero`
 * (a grace period may be zero, a time-out may not). {@link formatDuration} writes this format.
 */
export function parseDuration(name: string, { allowZero = false } = {}): (value: string) => number {
  return (value) => {
    const text = value.trim();
    let ms: number;
    if (/^0+(\.0+)?$/.test(text)) {
      ms = 0;
    } else if (/^\d+(\.\d+)?$/.test(text)) {
      throw new CliError(
        `${name} needs a unit: ${text}s, ${text}m or ${text}h? (a duration such as ${EXAMPLES}), got '${value}'`,
      );
    } else {
      const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
      if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
        throw new CliError(`${name} must be a duration such as ${EXAMPLES}, got '${value}'`);
      }
      ms = parts.reduce((total, p) => total + Number(p[1]) * (UNIT_MS[p[2] as string] ?? 0), 0);
    }
    if (!(ms > 0) && !(allowZero && ms === 0)) {
      throw new CliError(`${name} must be longer than zero, got '${value}'`);
    }
    return Math.round(ms);
  };
}

/**
 * A duration in the format {@link parseDuration} reads, so what the CLI prints can be typed back:
 * `500` -> `0.5s`, `6200` -> `6.2s`, `5000` -> `5s`, `95000` -> `1m35s`, `1200000` -> `20m`,
 * `5400000` -> `1h30m`.
 */
export function formatDuration(ms: number): string {
  // Below a tenth of a second in milliseconds: a fast restore is not "0s".
  if (ms < 95) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${Number((ms / 1000).toFixed(1))}s`;
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes < 60) return seconds === 0 ? `${minutes}m` : `${minutes}m${String(seconds).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
}
