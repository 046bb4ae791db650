/**
 * CDK's own context keys without a namespace (the CLI's telemetry switch, `cdk acknowledge`'s list,
 * the assets repository override); every other key of CDK's has a ':' (`aws:cdk:*`, lookups cached
 * in cdk.context.json such as `availability-zones:account=…`) or is a library's feature flag
 * starting with '@' (`@aws-cdk/…`, `@aws-cdk-containers/…`).
 */
const CDK_PLAIN_KEYS = ['cli-telemetry', 'acknowledged-issue-numbers', 'assets-ecr-repository-name'];

/** Why a key passes that is not ours, in words: part of the error about an unknown key. */
const FOREIGN_KEYS_RULE = `keys with ':' or a leading '@', ${CDK_PLAIN_KEYS.join(', ')} are CDK's and pass`;

/** Letters and digits only, starting with a lowercase letter: how this app's keys are spelt. */
const OUR_STYLE = /^[a-z][a-zA-Z0-9]*$/;

/** Lowercase without separators, so that `environment-suffix` and `EnvironmentSuffix` meet ours. */
function normalized(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** The key of ours that `key` most likely means: a typo (two edits at most) or a part of it (`suffix`). */
function closest(key: string, ours: readonly string[]): string | undefined {
  const typed = normalized(key);
  const byDistance = ours
    .map((candidate) => ({ candidate, distance: editDistance(typed, normalized(candidate)) }))
    .sort((a, b) => a.distance - b.distance);
  const nearest = byDistance[0];
  if (nearest && nearest.distance <= 2) return nearest.candidate;
  return typed.length >= 4 ? ours.find((candidate) => normalized(candidate).includes(typed)) : undefined;
}

/**
 * A key is taken for one of ours when it has no namespace and is spelt as ours are (`bidirectonal`)
 * or is a near miss of one of ours in another spelling (`environment-suffix`); those that are not
 * ours are refused, since the app would otherwise run without the setting the user meant. Anything
 * else (CDK's keys, feature flags, other tools' kebab-case keys) passes untouched.
 */
export function unknownKeyProblems(
  context: Readonly<Record<string, unknown>>,
  ours: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(context)) {
    if (ours.includes(key) || key.includes(':') || key.startsWith('@') || CDK_PLAIN_KEYS.includes(key))
      continue;
    const suggestion = closest(key, ours);
    if (!OUR_STYLE.test(key) && suggestion === undefined) continue;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    problems.push(
      `${key}: '${shown}' is not a context key of this app${suggestion ? ` (did you mean ${suggestion}?)` : ''}; expected one of ${ours.join(', ')}; ${FOREIGN_KEYS_RULE}`,
    );
  }
  return problems;
}
