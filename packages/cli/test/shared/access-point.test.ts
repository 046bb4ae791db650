import { GetMultiRegionAccessPointRoutesCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { CONTROL_REGIONS, controlRegionOrder, getRoutes } from '../../src/shared/access-point';

// The control-plane fallback on S3 Control clients mocked per region (no network involved).

const ARN = 'arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap';

function clientsAnswering(answers: Record<string, 'ok' | 'down' | 'denied' | 'garbled' | 'html404'>): {
  controlIn: (region: string) => S3ControlClient;
  asked: string[];
} {
  const asked: string[] = [];
  const clients = new Map<string, S3ControlClient>();
  for (const region of CONTROL_REGIONS) {
    const client = new S3ControlClient({ region });
    const answer = answers[region] ?? 'ok';
    mockClient(client)
      .on(GetMultiRegionAccessPointRoutesCommand)
      .callsFake(() => {
        asked.push(region);
        if (answer === 'down')
          throw Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT', $metadata: {} });
        // What the SDK throws for a response it cannot parse (smithy's deserializer middleware):
        // a plain Error carrying the HTTP status, no AWS error code.
        if (answer === 'garbled')
          throw Object.assign(new Error('@aws-sdk XML parse error: unexpected content.'), {
            $metadata: { httpStatusCode: 404 },
          });
        // An HTML or empty 404 that parses: no error code in the body (what the SDK throws for it).
        if (answer === 'html404')
          throw Object.assign(new Error('UnknownError'), {
            name: 'NotFound',
            $fault: 'client',
            $metadata: { httpStatusCode: 404 },
          });
        // S3 Control's own refusal carries its error code (Code) from the XML error body.
        if (answer === 'denied')
          throw Object.assign(new Error('Access Denied'), {
            name: 'AccessDenied',
            Code: 'AccessDenied',
            $metadata: { httpStatusCode: 403 },
          });
        return { Mrap: ARN, Routes: [{ Bucket: 'b', Region: region, TrafficDialPercentage: 100 }] };
      });
    clients.set(region, client);
  }
  return { controlIn: (region) => clients.get(region) as S3ControlClient, asked };
}

test('GIVEN the region in trouble WHEN ordering the control regions THEN it comes last and none is left out', () => {
  expect(controlRegionOrder('us-east-1')).toEqual([
    'us-west-2',
    'ap-southeast-2',
    'ap-northeast-1',
    'eu-west-1',
    'us-east-1',
  ]);
  expect(controlRegionOrder('eu-central-1')).toEqual([...CONTROL_REGIONS]);
});

test('GIVEN a region that times out WHEN reading the routes THEN the next region answers and the failure is kept', async () => {
  const { controlIn, asked } = clientsAnswering({ 'us-east-1': 'down' });

  const answer = await getRoutes(controlIn, '123456789012', ARN);

  expect(asked).toEqual(['us-east-1', 'us-west-2']);
  expect(answer.region).toBe('us-west-2');
  expect(answer.failures).toEqual([{ region: 'us-east-1', reason: expect.stringContaining('ETIMEDOUT') }]);
});

test('GIVEN access denied WHEN reading the routes THEN it stops at once: every region would refuse the same way', async () => {
  const { controlIn, asked } = clientsAnswering({ 'us-east-1': 'denied' });

  await expect(getRoutes(controlIn, '123456789012', ARN)).rejects.toMatchObject({
    code: 'access-denied',
    exitCode: 2,
  });
  expect(asked).toEqual(['us-east-1']);
});

test('GIVEN a region whose answer is not an AWS response WHEN reading the routes THEN it counts as that region failing: the next region answers', async () => {
  const { controlIn, asked } = clientsAnswering({ 'us-east-1': 'garbled' });

  const answer = await getRoutes(controlIn, '123456789012', ARN);

  expect(asked).toEqual(['us-east-1', 'us-west-2']);
  expect(answer.region).toBe('us-west-2');
  expect(answer.failures).toEqual([
    { region: 'us-east-1', reason: expect.stringContaining('XML parse error') },
  ]);
});

test('GIVEN a region that answers an HTML 404 (no AWS error code) WHEN reading the routes THEN the next region is tried', async () => {
  const { controlIn, asked } = clientsAnswering({ 'us-east-1': 'html404', 'us-west-2': 'garbled' });

  const answer = await getRoutes(controlIn, '123456789012', ARN);

  expect(asked).toEqual(['us-east-1', 'us-west-2', 'ap-southeast-2']);
  expect(answer.region).toBe('ap-southeast-2');
  expect(answer.failures.map((f) => f.region)).toEqual(['us-east-1', 'us-west-2']);
});

test('GIVEN every region failing the same way WHEN reading the routes THEN the error names the reason once, with every region', async () => {
  const { controlIn } = clientsAnswering(Object.fromEntries(CONTROL_REGIONS.map((r) => [r, 'garbled'])));

  await expect(getRoutes(controlIn, '123456789012', ARN)).rejects.toMatchObject({
    code: 'unreachable',
    // The reason's own wording is errors.ts's (describeAwsError): only its gist is asserted.
    message: expect.stringMatching(
      /^no failover control region answered for the routes of \S+: us-east-1, us-west-2, ap-southeast-2, ap-northeast-1, eu-west-1: [^;]*XML parse error[^;]*$/,
    ),
  });
});
