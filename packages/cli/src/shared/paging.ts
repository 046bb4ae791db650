import { CliError } from './errors';

/**
 * Stops a paged listing that does not advance: a page asked for from cursor `from` (a continuation
 * token, or key and version-id markers) that names the same cursor to continue from would be asked
 * for again, forever. A server that ignores a marker does that, and so would a request of ours
 * that dropped one. Every paginated loop calls this with the cursor it sent and the one it got.
 *
 * `listing` names what is listed (`the listing of bucket b`); `service` what the endpoint should
 * be (`S3`), for the hint.
 */
export function checkAdvances<C>(
  listing: string,
  service: string,
  from: C | undefined,
  next: C | undefined,
): void {
  // As JSON: markers left undefined and markers absent are the same request.
  if (from === undefined || next === undefined || JSON.stringify(from) !== JSON.stringify(next)) return;
  throw new CliError(
    `${listing} does not advance: the page after ${describeCursor(from)} names that same place to continue from, so asking again would loop forever: is the endpoint ${service}-compatible?`,
  );
}

/** A cursor in a few words: a token cut to 40 characters, or the markers by name. */
function describeCursor(cursor: unknown): string {
  if (typeof cursor === 'string')
    return `token ${JSON.stringify(cursor.length > 40 ? `${cursor.slice(0, 40)}…` : cursor)}`;
  const fields = Object.entries(cursor as object)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} ${JSON.stringify(value)}`);
  return fields.join(', ');
}
