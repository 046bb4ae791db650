/**
 * Custom resource that routes a Multi-Region Access Point active/passive. CloudFormation has no
 * routing property and creates an access point with every region active; its Name, Regions and
 * PublicAccessBlockConfiguration are create-only, so changing one replaces the access point with a
 * new one (a new alias), active/active again.
 *
 * Routes are submitted only to an access point that has no passive region yet:
 * - Create: a new access point, or an existing one meeting this resource for the first time (a
 *   stack updated from a version without it), whose routes are left alone when a region is passive;
 * - Update with another alias: the access point was replaced;
 * - Update with the same alias (anything else changed): nothing is read or submitted, so a
 *   `cdk deploy` during a failover never sends traffic back to the failed region;
 * - Delete: nothing (the routes go with the access point).
 * After that, `s3-dr failover` and `s3-dr failback` move traffic.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/FailoverConfiguration.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_SubmitMultiRegionAccessPointRoutes.html
 */
import {
  GetMultiRegionAccessPointRoutesCommand,
  S3ControlClient,
  SubmitMultiRegionAccessPointRoutesCommand,
} from '@aws-sdk/client-s3-control';
import { type LogDocument, writeLine } from './emf';

/** The custom resource's properties (CloudFormation passes every value as a string). */
export interface RoutesProperties {
  /** Account that owns the access point. */
  readonly AccountId: string;
  /** `arn:<partition>:s3::<account>:accesspoint/<alias>`. */
  readonly Mrap: string;
  /** The access point's alias: a new one means a new access point. */
  readonly Alias: string;
  /** A region serving the failover controls. */
  readonly ControlRegion: string;
  readonly ActiveBucket: string;
  readonly ActiveRegion: string;
  readonly PassiveBucket: string;
  readonly PassiveRegion: string;
}

/** What CloudFormation sends, as far as this resource reads it. */
export interface RoutesEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: RoutesProperties;
  readonly OldResourceProperties?: Partial<RoutesProperties>;
}

export interface RoutesDeps {
  readonly control: (region: string) => S3ControlClient;
  readonly log: (document: LogDocument) => void;
}

export async function onEvent(event: RoutesEvent, deps: RoutesDeps): Promise<{ PhysicalResourceId: string }> {
  const props = event.ResourceProperties;
  const done = { PhysicalResourceId: event.PhysicalResourceId ?? `${props.Mrap}/routes` };
  if (event.RequestType === 'Delete') return done;
  if (event.RequestType === 'Update' && event.OldResourceProperties?.Alias === props.Alias) {
    deps.log({
      message: 'the access point was not replaced: its routes are left as they are',
      mrap: props.Mrap,
    });
    return done;
  }
  const control = deps.control(props.ControlRegion);
  const { Routes: routes = [] } = await control.send(
    new GetMultiRegionAccessPointRoutesCommand({ AccountId: props.AccountId, Mrap: props.Mrap }),
  );
  const current = routes.map((r) => ({ bucket: r.Bucket, region: r.Region, dial: r.TrafficDialPercentage }));
  if (routes.some((r) => r.TrafficDialPercentage === 0)) {
    deps.log({
      message: 'a region is already passive: the routes are left as they are',
      mrap: props.Mrap,
      current,
    });
    return done;
  }
  await control.send(
    new SubmitMultiRegionAccessPointRoutesCommand({
      AccountId: props.AccountId,
      Mrap: props.Mrap,
      RouteUpdates: [
        { Bucket: props.ActiveBucket, Region: props.ActiveRegion, TrafficDialPercentage: 100 },
        { Bucket: props.PassiveBucket, Region: props.PassiveRegion, TrafficDialPercentage: 0 },
      ],
    }),
  );
  deps.log({
    message: 'routed active/passive',
    mrap: props.Mrap,
    previous: current,
    active: props.ActiveRegion,
    passive: props.PassiveRegion,
  });
  return done;
}

/** Entry point behind aws-cdk-lib's custom resource provider, which answers CloudFormation. */
export async function handler(event: RoutesEvent): Promise<{ PhysicalResourceId: string }> {
  return onEvent(event, { control: (region) => new S3ControlClient({ region }), log: writeLine });
}
