import type { Template } from 'aws-cdk-lib/assertions';
import { ACCOUNT, pairIn } from './support/pair';

// The pair must be right in every partition it accepts (aws, aws-us-gov). Service principals are
// global names that CDK v2 renders as given; endpoint names such as kms:ViaService take the
// partition's DNS suffix from AWS::URLSuffix.

/** Every string in the template that contains `amazonaws.com`, with the path where it occurs. */
function amazonawsStrings(template: unknown): { path: string; value: string }[] {
  const found: { path: string; value: string }[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      if (node.includes('amazonaws.com')) found.push({ path, value: node });
    } else if (Array.isArray(node)) {
      for (const [i, child] of node.entries()) walk(child, `${path}/${i}`);
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, `${path}/${key}`);
    }
  };
  walk(template, '');
  return found;
}

/**
 * The tamper rules match CloudTrail records by `eventSource`, which names the service that was
 * called (`s3.amazonaws.com`, `kms.amazonaws.com`, ...): a record field, not a principal or an endpoint.
 */
function isCloudTrailEventSource(path: string): boolean {
  return /\/EventPattern\/.*\/eventSource\/\d+$/.test(path);
}

describe('GIVEN the pair in a GovCloud region (us-gov-west-1)', () => {
  let template: Template;
  beforeAll(() => {
    ({ template } = pairIn({}, { env: { account: ACCOUNT, region: 'us-gov-west-1' } }));
  });

  test('THEN amazonaws.com appears only in service principal names and CloudTrail event sources, never in an endpoint name', () => {
    const strings = amazonawsStrings(template.toJSON()).filter((s) => !isCloudTrailEventSource(s.path));
    expect(strings.length).toBeGreaterThan(0);
    for (const { path, value } of strings) {
      // IAM policies name principals under Principal.Service; a Lambda permission under Principal.
      expect({ path, value }).toEqual({ path: expect.stringMatching(/\/Principal(\/Service)?$/), value });
    }
  });

  test('THEN the service principals are the global names, and CloudWatch Logs its regional one', () => {
    const principals = new Set(
      amazonawsStrings(template.toJSON())
        .filter((s) => !isCloudTrailEventSource(s.path))
        .map((s) => s.value),
    );
    expect([...principals].sort()).toEqual(
      [
        'batchoperations.s3.amazonaws.com',
        'cloudwatch.amazonaws.com',
        'events.amazonaws.com',
        'lambda.amazonaws.com',
        'logging.s3.amazonaws.com',
        'logs.us-gov-west-1.amazonaws.com',
        's3.amazonaws.com',
      ].sort(),
    );
  });

  test("THEN every kms:ViaService is S3's endpoint in the region with the partition's URL suffix", () => {
    const values: unknown[] = [];
    for (const policy of Object.values(template.findResources('AWS::IAM::ManagedPolicy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const via = statement.Condition?.StringEquals?.['kms:ViaService'];
        if (via !== undefined) values.push(via);
      }
    }
    // Replication role, canary and Batch Operations role: primary and replica key each.
    expect(values).toHaveLength(6);
    for (const value of values) {
      expect(value).toEqual({ 'Fn::Join': ['', ['s3.us-gov-west-1.', { Ref: 'AWS::URLSuffix' }]] });
    }
  });
});
