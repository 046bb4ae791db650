import type { Template } from 'aws-cdk-lib/assertions';

/** The property that holds the physical name of each resource type the pair names. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::CompositeAlarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::Events::Rule': 'Name',
  'AWS::S3::MultiRegionAccessPoint': 'Name',
  'AWS::Athena::WorkGroup': 'Name',
};

/**
 * Properties named like a name that name no resource of their own: the topic's display name,
 * CDK's inline policy names, a metric's name.
 */
const NOT_A_NAME = new Set(['DisplayName', 'PolicyName', 'MetricName']);

export interface PhysicalName {
  readonly name: string;
  readonly type: string;
  /** `Retain` when `cdk destroy` keeps the resource. */
  readonly deletionPolicy?: string;
}

export interface PhysicalNames {
  readonly named: PhysicalName[];
  /** `Type.Property` of name-like properties not in the table above: a new kind of named resource. */
  readonly unknown: string[];
}

/** Every name a template gives its resources (references to resources named elsewhere aside). */
export function physicalNames(template: Template): PhysicalNames {
  const named: PhysicalName[] = [];
  const unknown: string[] = [];
  for (const resource of Object.values<any>(template.toJSON().Resources)) {
    const { Type: type, DeletionPolicy: deletionPolicy } = resource;
    const properties: Record<string, unknown> = resource.Properties ?? {};
    // A Glue table's DatabaseName refers to its database; table names live inside that database
    // (INVENTORY_TABLES), not among the deployment's names.
    if (type === 'AWS::Glue::Table') continue;
    for (const [key, value] of Object.entries(properties)) {
      if (typeof value !== 'string' || !key.endsWith('Name') || NOT_A_NAME.has(key)) continue;
      if (NAME_PROPERTY[type] === key) named.push({ name: value, type, deletionPolicy });
      else unknown.push(`${type}.${key}`);
    }
    // Replication rule ids: the forward rule in the bucket, the reverse one in its custom resource.
    for (const rule of (properties.ReplicationConfiguration as any)?.Rules ?? []) {
      named.push({ name: rule.Id, type: 'replication rule' });
    }
    // S3 Inventory configurations, in their source bucket.
    for (const inventory of (properties.InventoryConfigurations as any) ?? []) {
      named.push({ name: inventory.Id, type: 'S3 inventory configuration' });
    }
    // Glue databases are named in their input.
    if (type === 'AWS::Glue::Database') named.push({ name: (properties.DatabaseInput as any).Name, type });

    // FIS experiment templates have ids, not names: the drill finds its template by the Name tag.
    if (type === 'AWS::FIS::ExperimentTemplate') named.push({ name: (properties.Tags as any).Name, type });
    if (type === 'Custom::S3ReverseReplicationRule') {
      for (const match of JSON.stringify(properties.Create).matchAll(/\\"ID\\":\\"([^\\]+)\\"/g)) {
        named.push({ name: match[1], type: 'replication rule' });
      }
    }
  }
  return { named, unknown };
}
