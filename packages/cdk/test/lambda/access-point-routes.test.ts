import {
  GetMultiRegionAccessPointRoutesCommand,
  type MultiRegionAccessPointRoute,
  S3ControlClient,
  SubmitMultiRegionAccessPointRoutesCommand,
} from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import { onEvent, type RoutesEvent, type RoutesProperties } from '../../lambda/access-point-routes';
import type { LogDocument } from '../../lambda/emf';

// The routes resource's decisions, with S3 Control mocked at the SDK client: moto has no Multi-Region
// Access Point routes. Request shapes as in the API reference of GetMultiRegionAccessPointRoutes and
// SubmitMultiRegionAccessPointRoutes (AccountId, Mrap, RouteUpdates of Bucket, Region, TrafficDialPercentage).

const ACCOUNT = '111122223333';
const arnOf = (alias: string) => `arn:aws:s3::${ACCOUNT}:accesspoint/${alias}`;
const PROPS: RoutesProperties = {
  AccountId: ACCOUNT,
  Mrap: arnOf('old1234567890.mrap'),
  Alias: 'old1234567890.mrap',
  ControlRegion: 'us-west-2',
  ActiveBucket: 'primary',
  ActiveRegion: 'us-east-1',
  PassiveBucket: 'replica',
  PassiveRegion: 'eu-west-1',
};
const REPLACED: RoutesProperties = {
  ...PROPS,
  Mrap: arnOf('new1234567890.mrap'),
  Alias: 'new1234567890.mrap',
};
const ACTIVE_ACTIVE: MultiRegionAccessPointRoute[] = [
  { Bucket: 'primary', Region: 'us-east-1', TrafficDialPercentage: 100 },
  { Bucket: 'replica', Region: 'eu-west-1', TrafficDialPercentage: 100 },
];
const FAILED_OVER: MultiRegionAccessPointRoute[] = [
  { Bucket: 'primary', Region: 'us-east-1', TrafficDialPercentage: 0 },
  { Bucket: 'replica', Region: 'eu-west-1', TrafficDialPercentage: 100 },
];
const ACTIVE_PASSIVE_UPDATES = [
  { Bucket: 'primary', Region: 'us-east-1', TrafficDialPercentage: 100 },
  { Bucket: 'replica', Region: 'eu-west-1', TrafficDialPercentage: 0 },
];

/** Runs the handler against a control plane whose access point has `routes`. */
async function run(event: RoutesEvent, routes: MultiRegionAccessPointRoute[] = ACTIVE_ACTIVE) {
  const client = new S3ControlClient({ region: 'us-west-2' });
  const control = mockClient(client);
  control
    .on(GetMultiRegionAccessPointRoutesCommand)
    .resolves({ Mrap: event.ResourceProperties.Mrap, Routes: routes });
  control.on(SubmitMultiRegionAccessPointRoutesCommand).resolves({});
  const regions: string[] = [];
  const lines: LogDocument[] = [];
  const result = await onEvent(event, {
    control: (region) => {
      regions.push(region);
      return client;
    },
    log: (line) => lines.push(line),
  });
  const submitted = control
    .commandCalls(SubmitMultiRegionAccessPointRoutesCommand)
    .map((c) => c.args[0].input);
  const read = control.commandCalls(GetMultiRegionAccessPointRoutesCommand).map((c) => c.args[0].input);
  return { result, submitted, read, regions, lines };
}

test('GIVEN a new access point (every region active) WHEN created THEN the primary is routed active and the replica passive, through the control region', async () => {
  const { submitted, read, regions } = await run({ RequestType: 'Create', ResourceProperties: PROPS });

  expect(regions).toEqual(['us-west-2']);
  expect(read).toEqual([{ AccountId: ACCOUNT, Mrap: PROPS.Mrap }]);
  expect(submitted).toEqual([{ AccountId: ACCOUNT, Mrap: PROPS.Mrap, RouteUpdates: ACTIVE_PASSIVE_UPDATES }]);
});

test('GIVEN an access point failed over to the replica WHEN a deploy updates the routes resource without replacing the access point THEN nothing is read or submitted', async () => {
  const { submitted, read, lines } = await run(
    {
      RequestType: 'Update',
      PhysicalResourceId: 'routes',
      ResourceProperties: { ...PROPS, ControlRegion: 'us-east-1' },
      OldResourceProperties: PROPS,
    },
    FAILED_OVER,
  );

  expect(read).toEqual([]);
  expect(submitted).toEqual([]);
  expect(lines).toEqual([
    { message: 'the access point was not replaced: its routes are left as they are', mrap: PROPS.Mrap },
  ]);
});

test('GIVEN a replaced access point (a new alias, every region active) WHEN updated THEN the new access point is routed active/passive', async () => {
  const { submitted, result } = await run({
    RequestType: 'Update',
    PhysicalResourceId: 'routes',
    ResourceProperties: REPLACED,
    OldResourceProperties: PROPS,
  });

  expect(submitted).toEqual([
    { AccountId: ACCOUNT, Mrap: REPLACED.Mrap, RouteUpdates: ACTIVE_PASSIVE_UPDATES },
  ]);
  expect(result).toEqual({ PhysicalResourceId: 'routes' });
});

test('GIVEN an existing access point failed over (a stack updated from the version without this resource) WHEN the resource is created THEN the routes are left as they are', async () => {
  const { submitted, lines } = await run({ RequestType: 'Create', ResourceProperties: PROPS }, FAILED_OVER);

  expect(submitted).toEqual([]);
  expect(lines).toContainEqual(
    expect.objectContaining({ message: 'a region is already passive: the routes are left as they are' }),
  );
});

test('GIVEN an existing access point already active/passive WHEN the resource is created THEN nothing is submitted', async () => {
  const routes = [
    { Bucket: 'primary', Region: 'us-east-1', TrafficDialPercentage: 100 },
    { Bucket: 'replica', Region: 'eu-west-1', TrafficDialPercentage: 0 },
  ];

  const { submitted } = await run({ RequestType: 'Create', ResourceProperties: PROPS }, routes);

  expect(submitted).toEqual([]);
});

test('GIVEN the stack is deleted WHEN the resource is deleted THEN nothing is read or submitted', async () => {
  const { submitted, read, result } = await run({
    RequestType: 'Delete',
    PhysicalResourceId: 'routes',
    ResourceProperties: PROPS,
  });

  expect([...read, ...submitted]).toEqual([]);
  expect(result).toEqual({ PhysicalResourceId: 'routes' });
});

test('GIVEN the control plane refuses the routes WHEN created THEN the error reaches CloudFormation (the deploy fails, nothing silently stays active/active)', async () => {
  const client = new S3ControlClient({ region: 'us-west-2' });
  mockClient(client)
    .on(GetMultiRegionAccessPointRoutesCommand)
    .resolves({ Routes: ACTIVE_ACTIVE })
    .on(SubmitMultiRegionAccessPointRoutesCommand)
    .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

  await expect(
    onEvent({ RequestType: 'Create', ResourceProperties: PROPS }, { control: () => client, log: () => {} }),
  ).rejects.toThrow('Access Denied');
});
