/**
 * A small IAM policy evaluator for the subset of the policy language this project writes: it says
 * what ONE policy document (a bucket, key, topic or trust policy) decides about one request. It is
 * not AWS's full authorization logic: identity policies, SCPs, RCPs, permission boundaries and
 * session policies are not consulted; a caller combines decisions itself (an explicit Deny in any
 * policy wins, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 *
 * Anything outside the subset (an operator, principal type or set qualifier it does not know, a
 * value still holding a CloudFormation intrinsic) throws instead of guessing: a test that evaluates
 * a policy must never pass because the evaluator skipped part of it. Resolve template values first
 * (template-values.ts).
 */

/** One statement, with every value a plain string (intrinsics resolved). */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Principal?: Principal;
  readonly NotPrincipal?: Principal;
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export type Principal = '*' | { readonly [type: string]: string | string[] };

/** Who calls: an IAM principal by the ARN of its role or user (aws:PrincipalArn), or a service. */
export type Caller = { readonly arn: string } | { readonly service: string };

export interface Request {
  readonly caller: Caller;
  /** `service:Action`, e.g. `s3:DeleteObject`. */
  readonly action: string;
  readonly resource: string;
  /**
   * Request context keys beyond those derived from the caller (aws:PrincipalArn and
   * aws:PrincipalAccount for an IAM caller), e.g. `aws:SecureTransport: 'true'`. A key absent here
   * is absent from the request.
   */
  readonly context?: Readonly<Record<string, string | string[]>>;
}

/** `Deny`: an applicable Deny statement; `Allow`: an applicable Allow and no Deny; else `NotApplicable`. */
export type Decision = 'Deny' | 'Allow' | 'NotApplicable';

export interface Evaluation {
  readonly decision: Decision;
  /** The Sids (or positions, `#2`) of the statements that applied, by effect. */
  readonly denies: string[];
  readonly allows: string[];
}

/** What `statements` decide about `request`. */
export function evaluate(statements: readonly Statement[], request: Request): Evaluation {
  const denies: string[] = [];
  const allows: string[] = [];
  statements.forEach((statement, i) => {
    if (!applies(statement, request)) return;
    (statement.Effect === 'Deny' ? denies : allows).push(statement.Sid ?? `#${i}`);
  });
  const decision: Decision = denies.length > 0 ? 'Deny' : allows.length > 0 ? 'Allow' : 'NotApplicable';
  return { decision, denies, allows };
}

/** Whether `statement` applies to `request` (its effect then counts), whatever that effect is. */
export function applies(statement: Statement, request: Request): boolean {
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new Error(
      `statement ${label(statement)}: Effect must be Allow or Deny, got ${show(statement.Effect)}`,
    );
  }
  return (
    matchesAction(statement, request.action) &&
    matchesResource(statement, request.resource) &&
    matchesPrincipal(statement, request.caller) &&
    conditionHolds(statement, contextOf(request))
  );
}

function matchesAction(statement: Statement, action: string): boolean {
  const either = exactlyOne(statement, 'Action', 'NotAction');
  // Action names are case-insensitive.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
  const matched = strings(statement, either.values).some((p) => glob(p.toLowerCase(), action.toLowerCase()));
  return either.negated ? !matched : matched;
}

function matchesResource(statement: Statement, resource: string): boolean {
  // A trust policy names no resource: the role it is attached to is the resource.
  if (statement.Resource === undefined && statement.NotResource === undefined) return true;
  const either = exactlyOne(statement, 'Resource', 'NotResource');
  const matched = strings(statement, either.values).some((p) => glob(p, resource));
  return either.negated ? !matched : matched;
}

function matchesPrincipal(statement: Statement, caller: Caller): boolean {
  // An identity policy names no principal: it applies to the identity it is attached to.
  if (statement.Principal === undefined && statement.NotPrincipal === undefined) return true;
  if (statement.Principal !== undefined && statement.NotPrincipal !== undefined) {
    throw new Error(`statement ${label(statement)}: has both Principal and NotPrincipal`);
  }
  const negated = statement.NotPrincipal !== undefined;
  const principal = (statement.Principal ?? statement.NotPrincipal) as Principal;
  const matched = principalMatches(statement, principal, caller);
  return negated ? !matched : matched;
}

/**
 * `"*"` and `{"AWS": "*"}` name everyone; an account (`123456789012` or `arn:…:iam::123456789012:root`)
 * names every IAM principal of that account; a role or user ARN names that principal; `Service`
 * names a service principal.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
 */
function principalMatches(statement: Statement, principal: Principal, caller: Caller): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) {
    throw new Error(`statement ${label(statement)}: unsupported Principal ${show(principal)}`);
  }
  return Object.entries(principal).some(([type, value]) => {
    const names = strings(statement, value);
    if (type === 'AWS') {
      if (names.includes('*')) return true;
      if (!('arn' in caller)) return false;
      const account = accountOf(caller.arn);
      return names.some((n) => n === caller.arn || n === account || n === rootOf(caller.arn));
    }
    if (type === 'Service') return 'service' in caller && names.includes(caller.service);
    throw new Error(`statement ${label(statement)}: unsupported principal type ${type}`);
  });
}

/** The request context: the given keys plus those IAM derives from the caller, keys case-insensitive. */
function contextOf(request: Request): Map<string, string[]> {
  const context = new Map<string, string[]>();
  if ('arn' in request.caller) {
    context.set('aws:principalarn', [request.caller.arn]);
    context.set('aws:principalaccount', [accountOf(request.caller.arn)]);
  }
  for (const [key, value] of Object.entries(request.context ?? {})) {
    context.set(key.toLowerCase(), Array.isArray(value) ? value : [value]);
  }
  return context;
}

const NEGATED = new Set([
  'StringNotEquals',
  'StringNotEqualsIgnoreCase',
  'StringNotLike',
  'ArnNotEquals',
  'ArnNotLike',
  'NumericNotEquals',
]);

/** Every operator and every key of the Condition block must hold (AND); any value of a key may match (OR). */
function conditionHolds(statement: Statement, context: Map<string, string[]>): boolean {
  for (const [rawOperator, keys] of Object.entries(statement.Condition ?? {})) {
    if (rawOperator.includes(':')) {
      throw new Error(`statement ${label(statement)}: set operator ${rawOperator} is not supported`);
    }
    const ifExists = rawOperator.endsWith('IfExists');
    const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
    const test = OPERATORS[operator];
    if (!test)
      throw new Error(`statement ${label(statement)}: condition operator ${rawOperator} is not supported`);
    for (const [key, policyValue] of Object.entries(keys)) {
      const wanted = strings(statement, policyValue);
      const present = context.get(key.toLowerCase());
      if (operator === 'Null') {
        if (ifExists) throw new Error(`statement ${label(statement)}: NullIfExists is not an operator`);
        if (!wanted.every((w) => w === 'true' || w === 'false')) {
          throw new Error(
            `statement ${label(statement)}: Null takes 'true' or 'false', got ${show(policyValue)}`,
          );
        }
        if (!wanted.includes(present === undefined ? 'true' : 'false')) return false;
        continue;
      }
      if (present === undefined) {
        // A key absent from the request: no value matches, so the condition is false, except for the
        // negated operators (true) and ...IfExists (true).
        // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
        if (ifExists || NEGATED.has(operator)) continue;
        return false;
      }
      if (present.length !== 1) {
        throw new Error(
          `statement ${label(statement)}: ${key} has several values in the request; single-valued operators need ForAnyValue/ForAllValues, which are not supported`,
        );
      }
      const matched = wanted.some((w) => test(w, present[0]));
      if (NEGATED.has(operator) ? matched : !matched) return false;
    }
  }
  return true;
}

type Test = (policyValue: string, requestValue: string) => boolean;

const stringEquals: Test = (p, r) => p === r;
const ignoreCase: Test = (p, r) => p.toLowerCase() === r.toLowerCase();
const stringLike: Test = (p, r) => glob(p, r);
const number = (s: string) => {
  const n = Number(s);
  if (s.trim() === '' || Number.isNaN(n)) throw new Error(`not a number: ${show(s)}`);
  return n;
};

/** Each operator by its positive test; a negated operator holds when its positive test fails. */
const OPERATORS: Record<string, Test> = {
  StringEquals: stringEquals,
  StringNotEquals: stringEquals,
  StringEqualsIgnoreCase: ignoreCase,
  StringNotEqualsIgnoreCase: ignoreCase,
  StringLike: stringLike,
  StringNotLike: stringLike,
  // ArnEquals and ArnLike compare the six colon-separated parts one by one, each may hold * and ?.
  ArnEquals: arnLike,
  ArnNotEquals: arnLike,
  ArnLike: arnLike,
  ArnNotLike: arnLike,
  Bool: (p, r) => p.toLowerCase() === r.toLowerCase(),
  NumericEquals: (p, r) => number(r) === number(p),
  NumericNotEquals: (p, r) => number(r) === number(p),
  NumericLessThan: (p, r) => number(r) < number(p),
  NumericLessThanEquals: (p, r) => number(r) <= number(p),
  NumericGreaterThan: (p, r) => number(r) > number(p),
  NumericGreaterThanEquals: (p, r) => number(r) >= number(p),
  Null: () => true,
};

function arnLike(pattern: string, arn: string): boolean {
  const p = arnParts(pattern);
  const a = arnParts(arn);
  return p !== undefined && a !== undefined && p.every((part, i) => glob(part, a[i]));
}

/** `arn:partition:service:region:account:resource`; the resource part may itself hold colons. */
function arnParts(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/** `*` matches any run of characters, `?` any one character; everything else literally. */
export function glob(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 's').test(value);
}

function accountOf(arn: string): string {
  const account = arn.split(':')[4];
  if (!/^\d{12}$/.test(account ?? '')) throw new Error(`caller ${arn} is not an IAM ARN with an account id`);
  return account;
}

function rootOf(arn: string): string {
  return `arn:${arn.split(':')[1]}:iam::${accountOf(arn)}:root`;
}

function exactlyOne(
  statement: Statement,
  positive: 'Action' | 'Resource',
  negative: 'NotAction' | 'NotResource',
): { values: unknown; negated: boolean } {
  const p = statement[positive];
  const n = statement[negative];
  if ((p === undefined) === (n === undefined)) {
    throw new Error(`statement ${label(statement)}: needs exactly one of ${positive} and ${negative}`);
  }
  return p !== undefined ? { values: p, negated: false } : { values: n, negated: true };
}

/** A policy value as a list of plain strings (numbers and booleans as IAM reads them: as text). */
function strings(statement: Statement, value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new Error(
      `statement ${label(statement)}: value ${show(v)} is not a string; resolve CloudFormation intrinsics first`,
    );
  });
}

function label(statement: Statement): string {
  return statement.Sid ? `'${statement.Sid}'` : show(statement).slice(0, 120);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}
