import { CliError } from './errors';

const ISO_WITH_ZONE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Parses an ISO-8601 time that names its zone (`2024-05-01T12:00:00Z`, `...+02:00`) into epoch
 * milliseconds. Refuses a time without a zone (ambiguous), an impossible date and a time after `now`.
 */
export function parsePointInTime(value: string, now: number, name = '--to'): number {
  const text = value.trim();
  const match = ISO_WITH_ZONE.exec(text);
  if (!match) {
    const hint = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)
      ? 'it has no time zone: add Z for UTC or an offset such as +02:00'
      : 'write an ISO-8601 time with a zone, e.g. 2024-05-01T12:00:00Z or 2024-05-01T14:00:00+02:00';
    throw new CliError(`${name} '${value}' is not a valid point in time: ${hint}`);
  }
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    throw new CliError(`${name} '${value}' is not a valid point in time: no such date or time of day`);
  }
  const millis = Number(frac.slice(0, 3).padEnd(3, '0'));
  const utc = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s), millis);
  const time = utc - zoneOffsetMs(zone);
  if (time > now) {
    throw new CliError(
      `${name} ${new Date(time).toISOString()} is in the future (now is ${new Date(now).toISOString()})${name === '--to' ? ': a restore can only go back in time' : ''}`,
    );
  }
  return time;
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 23 || minutes > 59) throw new CliError(`time zone offset '${zone}' is not valid`);
  return sign * (hours * 60 + minutes) * 60_000;
}
