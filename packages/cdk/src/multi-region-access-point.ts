import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeAwsCustomResourceProvider } from './nag';

/**
 * The regions that serve the failover controls (SubmitMultiRegionAccessPointRoutes and
 * GetMultiRegionAccessPointRoutes); any one of them will do.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_SubmitMultiRegionAccessPointRoutes.html
 */
export const FAILOVER_CONTROL_REGIONS = [
  'us-east-1',
  'us-west-2',
  'ap-southeast-2',
  'ap-northeast-1',
  'eu-west-1',
];

/** A bucket of the access point and its region. */
export interface AccessPointBucket {
  readonly bucketName: string;
  readonly region: string;
}

export interface ActivePassiveAccessPointProps {
  /** 3-50 lowercase letters, digits and hyphens. */
  readonly name: string;
  /** The bucket that receives all traffic at first (dial 100). */
  readonly active: AccessPointBucket;
  /** The bucket that receives none until a failover (dial 0). */
  readonly passive: AccessPointBucket;
}

/**
 * An S3 Multi-Region Access Point over two buckets of different regions, all public access blocked,
 * routed active/passive. CloudFormation creates access points active/active and has no routing
 * property, so a custom resource submits the initial routes once, on creation: never on update,
 * or a `cdk deploy` during a failover would send traffic back to the failed region. After that,
 * `s3-dr failover` and `s3-dr failback` move traffic.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointFailoverConfiguration.html
 */
export class ActivePassiveAccessPoint extends Construct {
  readonly accessPoint: s3.CfnMultiRegionAccessPoint;
  /** `arn:<partition>:s3::<account>:accesspoint/<alias>`: what S3 Control and IAM name it by. */
  readonly arn: string;
  /** The alias S3 generates (`<random>.mrap`). */
  readonly alias: string;

  constructor(scope: Construct, id: string, props: ActivePassiveAccessPointProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.accessPoint = new s3.CfnMultiRegionAccessPoint(this, 'Resource', {
      name: props.name,
      regions: [{ bucket: props.active.bucketName }, { bucket: props.passive.bucketName }],
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    });
    this.alias = this.accessPoint.attrAlias;
    this.arn = Arn.format(
      {
        service: 's3',
        region: '',
        resource: 'accesspoint',
        resourceName: this.alias,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      },
      stack,
    );
    new cr.AwsCustomResource(this, 'InitialRoutes', {
      resourceType: 'Custom::S3AccessPointInitialRoutes',
      onCreate: {
        service: 'S3Control',
        action: 'submitMultiRegionAccessPointRoutes',
        region: controlRegion(props),
        parameters: {
          AccountId: stack.account,
          Mrap: this.arn,
          RouteUpdates: [
            { Bucket: props.active.bucketName, Region: props.active.region, TrafficDialPercentage: 100 },
            { Bucket: props.passive.bucketName, Region: props.passive.region, TrafficDialPercentage: 0 },
          ],
        },
        physicalResourceId: cr.PhysicalResourceId.of(`${props.name}/initial-routes`),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['s3:SubmitMultiRegionAccessPointRoutes'],
          resources: [this.arn],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    acknowledgeAwsCustomResourceProvider(this);
  }
}

/** The active bucket's region when it serves the failover controls, else the passive's, else us-west-2. */
function controlRegion(props: ActivePassiveAccessPointProps): string {
  for (const region of [props.active.region, props.passive.region]) {
    if (FAILOVER_CONTROL_REGIONS.includes(region)) return region;
  }
  return 'us-west-2';
}
