import { type Synthesized, synthTap } from '../support/tap';

// The stack must be right in every partition lib/config.ts accepts (aws, aws-us-gov). Service
// principals are global names that CDK v2 renders as given; endpoint names such as kms:ViaService
// take the partition's DNS suffix from AWS::URLSuffix.

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
 * The tamper rule matches CloudTrail records by `eventSource`, which names the service that was
 * called (`s3.amazonaws.com`, `kms.amazonaws.com`): a record field, not a principal or an endpoint.
 */
function isCloudTrailEventSource(path: string): boolean {
  return /\/EventPattern\/detail\/\$or\/\d+\/eventSource\/\d+$/.test(path);
}

/** Every kms:ViaService value of every IAM policy in the template. */
function viaServiceValues(gov: Synthesized): unknown[] {
  const values: unknown[] = [];
  for (const policy of Object.values(gov.nested.findResources('AWS::IAM::ManagedPolicy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      const via = statement.Condition?.StringEquals?.['kms:ViaService'];
      if (via !== undefined) values.push(via);
    }
  }
  return values;
}

describe('in a GovCloud region (us-gov-west-1)', () => {
  let gov: Synthesized;
  beforeAll(() => {
    gov = synthTap({ context: { region: 'us-gov-west-1' } });
  });

  test('amazonaws.com appears only in service principal names, never in an endpoint name', () => {
    const strings = [...amazonawsStrings(gov.nested.toJSON()), ...amazonawsStrings(gov.top.toJSON())];
    expect(strings.length).toBeGreaterThan(0);
    for (const { path, value } of strings.filter((s) => !isCloudTrailEventSource(s.path))) {
      // IAM policies name principals under Principal.Service; a Lambda permission under Principal.
      expect({ path, value }).toEqual({ path: expect.stringMatching(/\/Principal(\/Service)?$/), value });
    }
  });

  test('the service principals are the global names, and CloudWatch Logs its regional one', () => {
    const principals = new Set(
      amazonawsStrings(gov.nested.toJSON())
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

  test('the tamper rule matches the CloudTrail event sources of S3 and KMS', () => {
    const sources = amazonawsStrings(gov.nested.toJSON()).filter((s) => isCloudTrailEventSource(s.path));
    expect([...new Set(sources.map((s) => s.value))].sort()).toEqual([
      'kms.amazonaws.com',
      's3.amazonaws.com',
    ]);
  });

  test("every kms:ViaService is S3's endpoint in the region with the partition's URL suffix", () => {
    const values = viaServiceValues(gov);
    // Replication role, canary and Batch Operations role: primary and replica key each.
    expect(values).toHaveLength(6);
    for (const value of values) {
      expect(value).toEqual({ 'Fn::Join': ['', ['s3.us-gov-west-1.', { Ref: 'AWS::URLSuffix' }]] });
    }
  });
});
