import { CliError } from './errors';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `20m`, `2s`, `500ms`, `1h30m`, `1d` or a plain number of seconds
 * (`90`) into milliseconds; `name` is the option, for the error message. Zero is refused unless
 * `allowZero` (a grace period may be zero, a time-out may not).
 */
export function parseDuration(name: string, { allowZero = false } = {}): (value: string) => number {
  return (value) => {
    const text = value.trim();
    let ms: number;
    if (/^\d+(\.\d+)?$/.test(text)) {
      ms = Number(text) * 1000;
    } else {
      const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
      if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
        throw new CliError(`${name} must be a duration such as 90s, 20m, 1h30m, 1d or 500ms, got '${value}'`);
      }
      ms = parts.reduce((total, p) => total + Number(p[1]) * (UNIT_MS[p[2] as string] ?? 0), 0);
    }
    if (!(ms > 0) && !(allowZero && ms === 0)) {
      throw new CliError(`${name} must be longer than zero, got '${value}'`);
    }
    return Math.round(ms);
  };
}

/** `1234` -> `1.2 s`, `95000` -> `1m35s`, `1200000` -> `20m`, `500` -> `0.5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return seconds === 0 ? `${minutes}m` : `${minutes}m${String(seconds).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h${String(minutes % 60).padStart(2, '0')}m`;
}
