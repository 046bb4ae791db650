import { join } from 'node:path';
import {
  Arn,
  ArnFormat,
  CustomResource,
  CustomResourceProvider,
  CustomResourceProviderRuntime,
  Stack,
} from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeBasicExecutionRole } from './nag';

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
 * property; the access point's Name, Regions and PublicAccessBlockConfiguration are create-only, so
 * changing one replaces it with a new access point (a new alias), active/active again. A custom
 * resource (lambda/access-point-routes.ts) that carries the alias therefore submits the routes on
 * creation and whenever the alias changes, and only to an access point without a passive region:
 * never on another update, or a `cdk deploy` during a failover would send traffic back to the failed
 * region. After that, `s3-dr failover` and `s3-dr failback` move traffic.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-s3-multiregionaccesspoint.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointFailoverConfiguration.html
 */
export class ActivePassiveAccessPoint extends Construct {
  readonly accessPoint: s3.CfnMultiRegionAccessPoint;
  /** `arn:<partition>:s3::<account>:accesspoint/<alias>`: what S3 Control and IAM name it by. */
  readonly arn: string;
  /** The alias S3 generates (`<random>.mrap`). */
  readonly alias: string;
  /** Routes it active/passive on creation and on replacement (see the class). */
  readonly routes: CustomResource;

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
    const provider = CustomResourceProvider.getOrCreateProvider(this, ROUTES_RESOURCE_TYPE, {
      codeDirectory: join(__dirname, '..', 'assets', 'access-point-routes'),
      runtime: CustomResourceProviderRuntime.NODEJS_24_X,
      description: 'Routes an S3 Multi-Region Access Point active/passive when it is created or replaced',
    });
    // Per access point, so that a second one in the same stack gets its own grant.
    provider.addToRolePolicy({
      Effect: 'Allow',
      Action: ['s3:GetMultiRegionAccessPointRoutes', 's3:SubmitMultiRegionAccessPointRoutes'],
      Resource: this.arn,
    });
    acknowledgeBasicExecutionRole(
      provider,
      "aws-cdk-lib's custom resource provider writes its own logs with the AWS managed basic execution policy; its only other permission is reading and submitting this access point's routes.",
    );
    this.routes = new CustomResource(this, 'Routes', {
      serviceToken: provider.serviceToken,
      resourceType: ROUTES_RESOURCE_TYPE,
      properties: {
        AccountId: stack.account,
        Mrap: this.arn,
        // A new alias is a new access point: CloudFormation then sends an update that routes it.
        Alias: this.alias,
        ControlRegion: controlRegion(props),
        ActiveBucket: props.active.bucketName,
        ActiveRegion: props.active.region,
        PassiveBucket: props.passive.bucketName,
        PassiveRegion: props.passive.region,
      },
    });
  }
}

/**
 * The custom resource type of the routes. A new logical id and type: CloudFormation does not let a
 * custom resource change its provider (ServiceToken), so a stack updated from the version that
 * routed with an AwsCustomResource gets this resource created, whose creation leaves routes with a
 * passive region alone.
 */
const ROUTES_RESOURCE_TYPE = 'Custom::S3AccessPointRoutes';

/** The active bucket's region when it serves the failover controls, else the passive's, else us-west-2. */
function controlRegion(props: ActivePassiveAccessPointProps): string {
  for (const region of [props.active.region, props.passive.region]) {
    if (FAILOVER_CONTROL_REGIONS.includes(region)) return region;
  }
  return 'us-west-2';
}
