/**
 * An EventBridge event-pattern matcher for the subset of the pattern language this project writes,
 * so that tests can show which events a rule matches, and which it does not. Anything outside the
 * subset throws rather than guess.
 *
 * - A pattern object matches an event when every field it names matches (fields not named are
 *   ignored); `$or` holds a list of patterns of which one must match.
 * - A leaf is a list of alternatives: a literal (string, number, boolean, null) equal to the value,
 *   `{prefix}`, `{suffix}`, `{wildcard}` (`*` spans any characters), `{exists: boolean}`.
 * - When the event's value is an array, the leaf matches if it matches one of its elements.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 */
export function matches(pattern: unknown, event: unknown): boolean {
  if (!isObject(pattern)) throw new Error(`a pattern must be an object, got ${show(pattern)}`);
  return matchObject(pattern, event);
}

function matchObject(pattern: Record<string, unknown>, event: unknown): boolean {
  for (const [field, expected] of Object.entries(pattern)) {
    if (field === '$or') {
      if (!Array.isArray(expected)) throw new Error(`$or takes a list of patterns, got ${show(expected)}`);
      if (!expected.some((alternative) => matchObject(alternative as Record<string, unknown>, event)))
        return false;
      continue;
    }
    const value = isObject(event) ? event[field] : undefined;
    if (Array.isArray(expected)) {
      if (!matchLeaf(expected, value)) return false;
    } else if (isObject(expected)) {
      if (!isObject(value) || !matchObject(expected, value)) return false;
    } else {
      throw new Error(`field ${field}: a pattern value must be a list or an object, got ${show(expected)}`);
    }
  }
  return true;
}

function matchLeaf(alternatives: unknown[], value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return alternatives.some((alternative) => {
    if (isObject(alternative) && 'exists' in alternative) {
      return alternative.exists === (value !== undefined);
    }
    if (value === undefined) return false;
    return values.some((v) => matchValue(alternative, v));
  });
}

function matchValue(alternative: unknown, value: unknown): boolean {
  if (!isObject(alternative)) return alternative === value;
  const [operator, argument, ...rest] = Object.entries(alternative).flat();
  if (rest.length > 0 || typeof argument !== 'string') {
    throw new Error(`unsupported filter ${show(alternative)}`);
  }
  if (typeof value !== 'string') return false;
  switch (operator) {
    case 'prefix':
      return value.startsWith(argument);
    case 'suffix':
      return value.endsWith(argument);
    case 'wildcard': {
      const regex = argument.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
      return new RegExp(`^${regex.join('.*')}$`, 's').test(value);
    }
    default:
      throw new Error(`unsupported filter ${show(alternative)}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}
