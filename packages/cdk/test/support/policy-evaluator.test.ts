import { type Caller, evaluate, glob, type Request, type Statement } from './policy-evaluator';

// The evaluator's rules, each against the IAM documentation it follows:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html

const ADMIN: Caller = { arn: 'arn:aws:iam::111122223333:role/admin' };
const WRITER: Caller = { arn: 'arn:aws:iam::111122223333:role/path/writer' };
const OUTSIDER: Caller = { arn: 'arn:aws:iam::444455556666:role/admin' };
const OBJECTS = 'arn:aws:s3:::bucket/*';

const request = (caller: Caller, action: string, context?: Request['context']): Request => ({
  caller,
  action,
  resource: 'arn:aws:s3:::bucket/key',
  context,
});

const denyExcept = (operator: string, exempt: string[]): Statement => ({
  Sid: 'DenyDeletes',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
  Resource: OBJECTS,
  Condition: { [operator]: { 'aws:PrincipalArn': exempt } },
});

describe('decisions', () => {
  const allowAll: Statement = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:*', Resource: OBJECTS };

  test('an applicable Deny wins over an applicable Allow, and says which statement denied', () => {
    const result = evaluate([allowAll, denyExcept('ArnNotLike', [])], request(ADMIN, 's3:DeleteObject'));
    expect(result).toEqual({ decision: 'Deny', denies: ['DenyDeletes'], allows: ['#0'] });
  });

  test('no applicable statement is NotApplicable, not Allow', () => {
    expect(evaluate([denyExcept('ArnNotLike', [])], request(ADMIN, 's3:GetObject')).decision).toBe(
      'NotApplicable',
    );
  });
});

describe('actions and resources', () => {
  test('actions match case-insensitively, with * and ? wildcards', () => {
    const statement: Statement = {
      Effect: 'Allow',
      Principal: '*',
      Action: 'S3:deleteobject*',
      Resource: '*',
    };
    expect(evaluate([statement], request(ADMIN, 's3:DeleteObjectVersion')).decision).toBe('Allow');
    expect(
      evaluate([{ ...statement, Action: 's3:DeleteObjec?' }], request(ADMIN, 's3:DeleteObject')).decision,
    ).toBe('Allow');
    expect(evaluate([statement], request(ADMIN, 's3:PutObject')).decision).toBe('NotApplicable');
  });

  test('NotAction applies to every action but those listed', () => {
    const statement: Statement = { Effect: 'Deny', Principal: '*', NotAction: 's3:Get*', Resource: '*' };
    expect(evaluate([statement], request(ADMIN, 's3:GetObject')).decision).toBe('NotApplicable');
    expect(evaluate([statement], request(ADMIN, 's3:DeleteObject')).decision).toBe('Deny');
  });

  test('resources match case-sensitively with wildcards; NotResource inverts', () => {
    const statement: Statement = {
      Effect: 'Deny',
      Principal: '*',
      Action: '*',
      Resource: 'arn:aws:s3:::bucket/*',
    };
    expect(evaluate([statement], request(ADMIN, 's3:PutObject')).decision).toBe('Deny');
    expect(
      evaluate([{ ...statement, Resource: 'arn:aws:s3:::BUCKET/*' }], request(ADMIN, 's3:PutObject'))
        .decision,
    ).toBe('NotApplicable');
    const not: Statement = {
      Effect: 'Deny',
      Principal: '*',
      Action: '*',
      NotResource: 'arn:aws:s3:::bucket/*',
    };
    expect(evaluate([not], request(ADMIN, 's3:PutObject')).decision).toBe('NotApplicable');
  });

  test('a statement with both Action and NotAction is refused', () => {
    const statement = { Effect: 'Deny', Action: 'a:b', NotAction: 'a:c', Resource: '*' } as Statement;
    expect(() => evaluate([statement], request(ADMIN, 'a:b'))).toThrow(
      'needs exactly one of Action and NotAction',
    );
  });
});

describe('principals', () => {
  const allow = (principal: Statement['Principal']): Statement => ({
    Effect: 'Allow',
    Principal: principal,
    Action: '*',
    Resource: '*',
  });

  test('"*" and {"AWS": "*"} name everyone, services included', () => {
    for (const principal of ['*', { AWS: '*' }] as const) {
      for (const caller of [ADMIN, OUTSIDER, { service: 'events.amazonaws.com' }]) {
        expect(evaluate([allow(principal)], request(caller, 's3:GetObject')).decision).toBe('Allow');
      }
    }
  });

  test('a role ARN names that role only; an account (id or root ARN) names every principal of it', () => {
    const role = allow({ AWS: ADMIN.arn as string });
    expect(evaluate([role], request(ADMIN, 'x:y')).decision).toBe('Allow');
    expect(evaluate([role], request(WRITER, 'x:y')).decision).toBe('NotApplicable');
    for (const account of ['111122223333', 'arn:aws:iam::111122223333:root']) {
      expect(evaluate([allow({ AWS: account })], request(WRITER, 'x:y')).decision).toBe('Allow');
      expect(evaluate([allow({ AWS: account })], request(OUTSIDER, 'x:y')).decision).toBe('NotApplicable');
    }
  });

  test('a service principal names that service, never an IAM role', () => {
    const service = allow({ Service: 'events.amazonaws.com' });
    expect(evaluate([service], request({ service: 'events.amazonaws.com' }, 'sns:Publish')).decision).toBe(
      'Allow',
    );
    expect(
      evaluate([service], request({ service: 'cloudwatch.amazonaws.com' }, 'sns:Publish')).decision,
    ).toBe('NotApplicable');
    expect(evaluate([service], request(ADMIN, 'sns:Publish')).decision).toBe('NotApplicable');
  });

  test('NotPrincipal applies to everyone but those named', () => {
    const statement: Statement = {
      Effect: 'Deny',
      NotPrincipal: { AWS: ADMIN.arn as string },
      Action: '*',
      Resource: '*',
    };
    expect(evaluate([statement], request(ADMIN, 'x:y')).decision).toBe('NotApplicable');
    expect(evaluate([statement], request(WRITER, 'x:y')).decision).toBe('Deny');
  });

  test('a principal type it does not know is refused', () => {
    expect(() =>
      evaluate([allow({ Federated: 'cognito-identity.amazonaws.com' })], request(ADMIN, 'x:y')),
    ).toThrow('unsupported principal type Federated');
  });
});

describe('conditions on aws:PrincipalArn', () => {
  test('ArnNotLike exempts the roles it lists, wildcards per ARN part included, and no one else', () => {
    const statements = [denyExcept('ArnNotLike', ['arn:aws:iam::111122223333:role/path/*'])];
    expect(evaluate(statements, request(WRITER, 's3:DeleteObject')).decision).toBe('NotApplicable');
    expect(evaluate(statements, request(ADMIN, 's3:DeleteObject')).decision).toBe('Deny');
    // A wildcard does not reach across the colon-separated parts of an ARN.
    const acrossParts = [denyExcept('ArnNotLike', ['arn:aws:iam::*'])];
    expect(evaluate(acrossParts, request(ADMIN, 's3:DeleteObject')).decision).toBe('Deny');
  });

  test('ArnNotEquals behaves as ArnNotLike; StringNotEquals compares the whole string', () => {
    for (const operator of ['ArnNotEquals', 'StringNotEquals']) {
      const statements = [denyExcept(operator, [WRITER.arn as string])];
      expect(evaluate(statements, request(WRITER, 's3:DeleteObject')).decision).toBe('NotApplicable');
      expect(evaluate(statements, request(ADMIN, 's3:DeleteObject')).decision).toBe('Deny');
    }
  });

  test('a negated condition on a key the request lacks holds (a service caller has no aws:PrincipalArn)', () => {
    const statements = [denyExcept('ArnNotLike', [WRITER.arn as string])];
    expect(evaluate(statements, request({ service: 's3.amazonaws.com' }, 's3:DeleteObject')).decision).toBe(
      'Deny',
    );
  });

  test('a positive condition on a missing key fails, unless ...IfExists', () => {
    const allow = (operator: string): Statement => ({
      Effect: 'Allow',
      Principal: '*',
      Action: '*',
      Resource: '*',
      Condition: { [operator]: { 'aws:SourceAccount': '111122223333' } },
    });
    expect(evaluate([allow('StringEquals')], request(ADMIN, 'x:y')).decision).toBe('NotApplicable');
    expect(evaluate([allow('StringEqualsIfExists')], request(ADMIN, 'x:y')).decision).toBe('Allow');
    expect(
      evaluate([allow('StringEquals')], request(ADMIN, 'x:y', { 'aws:sourceaccount': '111122223333' }))
        .decision,
    ).toBe('Allow');
  });
});

describe('other operators the project writes', () => {
  const deny = (condition: Statement['Condition']): Statement[] => [
    { Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*', Condition: condition },
  ];

  test('Bool on aws:SecureTransport denies plain HTTP only', () => {
    const statements = deny({ Bool: { 'aws:SecureTransport': 'false' } });
    expect(
      evaluate(statements, request(ADMIN, 's3:GetObject', { 'aws:SecureTransport': 'false' })).decision,
    ).toBe('Deny');
    expect(
      evaluate(statements, request(ADMIN, 's3:GetObject', { 'aws:SecureTransport': 'true' })).decision,
    ).toBe('NotApplicable');
  });

  test('NumericLessThan on s3:TlsVersion denies TLS below the number', () => {
    const statements = deny({ NumericLessThan: { 's3:TlsVersion': 1.2 } });
    expect(evaluate(statements, request(ADMIN, 's3:GetObject', { 's3:TlsVersion': '1.1' })).decision).toBe(
      'Deny',
    );
    expect(evaluate(statements, request(ADMIN, 's3:GetObject', { 's3:TlsVersion': '1.3' })).decision).toBe(
      'NotApplicable',
    );
  });

  test('several keys and operators must all hold; several values of one key are alternatives', () => {
    const statements = deny({
      StringEquals: { 'aws:SourceAccount': ['111122223333', '444455556666'] },
      ArnLike: { 'aws:SourceArn': 'arn:aws:events:*:*:rule/s3-dr-*' },
    });
    const context = {
      'aws:SourceAccount': '444455556666',
      'aws:SourceArn': 'arn:aws:events:eu-west-1:444455556666:rule/s3-dr-x',
    };
    expect(evaluate(statements, request(ADMIN, 's3:GetObject', context)).decision).toBe('Deny');
    const otherRule = { ...context, 'aws:SourceArn': 'arn:aws:events:eu-west-1:444455556666:rule/other' };
    expect(evaluate(statements, request(ADMIN, 's3:GetObject', otherRule)).decision).toBe('NotApplicable');
  });

  test('Null checks whether the key is present', () => {
    const statements = deny({ Null: { 's3:x-amz-server-side-encryption': 'true' } });
    expect(evaluate(statements, request(ADMIN, 's3:PutObject')).decision).toBe('Deny');
    expect(
      evaluate(statements, request(ADMIN, 's3:PutObject', { 's3:x-amz-server-side-encryption': 'aws:kms' }))
        .decision,
    ).toBe('NotApplicable');
  });

  test.each([
    ['ForAnyValue:StringEquals', 'set operator ForAnyValue:StringEquals is not supported'],
    ['IpAddress', 'condition operator IpAddress is not supported'],
    ['DateLessThan', 'condition operator DateLessThan is not supported'],
  ])('%s is refused rather than skipped', (operator, message) => {
    expect(() => evaluate(deny({ [operator]: { 'aws:x': 'y' } }), request(ADMIN, 's3:GetObject'))).toThrow(
      message,
    );
  });

  test('an unresolved CloudFormation value is refused rather than compared', () => {
    const statements = [denyExcept('ArnNotLike', [{ 'Fn::GetAtt': ['Role', 'Arn'] } as unknown as string])];
    expect(() => evaluate(statements, request(ADMIN, 's3:DeleteObject'))).toThrow(
      'is not a string; resolve CloudFormation intrinsics first',
    );
  });
});

test('glob: * spans any run of characters, ? one character, everything else is literal', () => {
  expect(glob('a*c', 'abbbc')).toBe(true);
  expect(glob('a?c', 'abc')).toBe(true);
  expect(glob('a?c', 'abbc')).toBe(false);
  expect(glob('a.c', 'abc')).toBe(false);
  expect(glob('s3-replication-*-dev', 's3-replication-latency-dev')).toBe(true);
});
