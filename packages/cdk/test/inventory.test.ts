import type { Stack } from 'aws-cdk-lib';
import { Duration, Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { InventoryFormat } from 'aws-cdk-lib/aws-s3';
import { ACCOUNT, pairIn } from './support/pair';
import { evaluate } from './support/policy-evaluator';
import { onlyResource } from './support/template';
import { TemplateValues } from './support/template-values';

// S3 Inventory of both buckets, the destination policy S3 needs, and the Athena workgroup and Glue
// tables that `s3-dr verify --inventory` queries.

const OPS = `s3-dr-ops-lib-${ACCOUNT}`;
const PRIMARY = `primary-bucket-lib-${ACCOUNT}`;
const REPLICA = `replica-bucket-lib-${ACCOUNT}`;
const REPLICA_OPS = `replica-ops-lib-${ACCOUNT}`;

function bucketProps(template: Template, name: string): Record<string, any> {
  return onlyResource(template, 'AWS::S3::Bucket', { BucketName: name })[1].Properties;
}

function resolved(template: Template, region = 'eu-west-1'): TemplateValues {
  return new TemplateValues(template, { account: ACCOUNT, region });
}

/** The resolved statements of the bucket policy of the bucket named `name`. */
function bucketPolicy(template: Template, name: string, region = 'eu-west-1'): any[] {
  const [bucketId] = onlyResource(template, 'AWS::S3::Bucket', { BucketName: name });
  const [, policy] = onlyResource(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: bucketId } });
  return resolved(template, region).resolve<any>(policy.Properties.PolicyDocument).Statement;
}

describe('GIVEN the pair with its defaults (both buckets in one region)', () => {
  const { template } = pairIn({});

  test.each([PRIMARY, REPLICA])(
    'THEN %s has a daily inventory s3-dr-lib of all versions in Parquet with the fields verify needs, into the ops bucket under inventory',
    (name) => {
      const inventories = resolved(template).resolve<any[]>(
        bucketProps(template, name).InventoryConfigurations,
      );
      expect(inventories).toEqual([
        {
          Id: 's3-dr-lib',
          Enabled: true,
          ScheduleFrequency: 'Daily',
          IncludedObjectVersions: 'All',
          OptionalFields: [
            'Size',
            'LastModifiedDate',
            'ETag',
            'StorageClass',
            'ReplicationStatus',
            'IsMultipartUploaded',
            'EncryptionStatus',
            'ObjectLockMode',
            'ObjectLockRetainUntilDate',
            'ObjectLockLegalHoldStatus',
            'ChecksumAlgorithm',
          ],
          Destination: {
            BucketArn: `arn:aws:s3:::${OPS}`,
            BucketAccountId: ACCOUNT,
            Format: 'Parquet',
            Prefix: 'inventory',
          },
        },
      ]);
    },
  );

  test('THEN the ops bucket expires inventory reports after 14 days', () => {
    expect(bucketProps(template, OPS).LifecycleConfiguration.Rules).toContainEqual({
      Id: 'expire-inventory-reports',
      Status: 'Enabled',
      Prefix: 'inventory/',
      ExpirationInDays: 14,
    });
  });

  describe("THEN the ops bucket's policy lets S3 deliver inventory reports as AWS's destination policy says, and nothing more", () => {
    const statements = bucketPolicy(template, OPS);
    const deliver = (
      override: { sourceArn?: string; sourceAccount?: string; acl?: string | null; key?: string } = {},
    ) => {
      const context: Record<string, string> = {
        'aws:SecureTransport': 'true',
        's3:TlsVersion': '1.3',
        'aws:PrincipalIsAWSService': 'true',
        'aws:SourceArn': override.sourceArn ?? `arn:aws:s3:::${PRIMARY}`,
        'aws:SourceAccount': override.sourceAccount ?? ACCOUNT,
      };
      if (override.acl !== null) context['s3:x-amz-acl'] = override.acl ?? 'bucket-owner-full-control';
      return evaluate(statements, {
        caller: { service: 's3.amazonaws.com' },
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${OPS}/${override.key ?? `inventory/${PRIMARY}/s3-dr-lib/data/a.parquet`}`,
        context,
      }).decision;
    };

    test('the primary and the replica may deliver under inventory/', () => {
      expect(deliver()).toBe('Allow');
      expect(deliver({ sourceArn: `arn:aws:s3:::${REPLICA}` })).toBe('Allow');
    });

    test('another bucket may not', () => {
      expect(deliver({ sourceArn: 'arn:aws:s3:::someone-elses-bucket' })).toBe('NotApplicable');
    });

    test('a bucket of another account may not', () => {
      expect(deliver({ sourceAccount: '444455556666' })).toBe('NotApplicable');
    });

    test('a delivery without bucket-owner-full-control may not', () => {
      expect(deliver({ acl: null })).toBe('NotApplicable');
      expect(deliver({ acl: 'private' })).toBe('NotApplicable');
    });

    test('outside inventory/ (manifests, reports, athena results) it may not', () => {
      expect(deliver({ key: 'manifests/m.csv' })).toBe('NotApplicable');
      expect(deliver({ key: 'athena/r.csv' })).toBe('NotApplicable');
    });

    test('a principal of another account is still denied there', () => {
      expect(
        evaluate(statements, {
          caller: { arn: 'arn:aws:iam::444455556666:role/x' },
          action: 's3:GetObject',
          resource: `arn:aws:s3:::${OPS}/inventory/${PRIMARY}/s3-dr-lib/data/a.parquet`,
          context: {
            'aws:SecureTransport': 'true',
            's3:TlsVersion': '1.3',
            'aws:PrincipalIsAWSService': 'false',
          },
        }).decision,
      ).toBe('Deny');
    });
  });

  test('THEN the Athena workgroup s3-dr-lib enforces its settings: SSE-S3 results in the ops bucket under athena/, a 1 TiB cutoff per query', () => {
    const [, workgroup] = onlyResource(template, 'AWS::Athena::WorkGroup');
    expect(resolved(template).resolve(workgroup.Properties)).toEqual(
      expect.objectContaining({
        Name: 's3-dr-lib',
        State: 'ENABLED',
        WorkGroupConfiguration: {
          EnforceWorkGroupConfiguration: true,
          PublishCloudWatchMetricsEnabled: true,
          BytesScannedCutoffPerQuery: 1024 ** 4,
          ResultConfiguration: {
            OutputLocation: `s3://${OPS}/athena/`,
            EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
            ExpectedBucketOwner: ACCOUNT,
          },
        },
      }),
    );
  });

  test('THEN the Glue database is s3_dr_lib', () => {
    const [, database] = onlyResource(template, 'AWS::Glue::Database');
    expect(resolved(template).resolve<any>(database.Properties).DatabaseInput.Name).toBe('s3_dr_lib');
  });

  test.each([
    ['primary_inventory', PRIMARY, OPS],
    ['replica_inventory', REPLICA, OPS],
  ])(
    'THEN the table %s reads the hive/ symlinks of %s with Parquet, partitioned by dt with projection (no crawler, no MSCK REPAIR)',
    (name, source, destination) => {
      const table = glueTable(template, name);
      const root = `s3://${destination}/inventory/${source}/s3-dr-lib/hive/`;
      expect(table.DatabaseName).toBe('s3_dr_lib');
      expect(table.TableInput.TableType).toBe('EXTERNAL_TABLE');
      expect(table.TableInput.PartitionKeys).toEqual([{ Name: 'dt', Type: 'string' }]);
      expect(table.TableInput.Parameters).toEqual({
        EXTERNAL: 'TRUE',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd-HH-mm',
        'projection.dt.range': '2022-01-01-00-00,NOW',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'HOURS',
        'storage.location.template': `${root}dt=\${dt}/`,
      });
      const storage = table.TableInput.StorageDescriptor;
      expect(storage.Location).toBe(root);
      expect(storage.InputFormat).toBe('org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat');
      expect(storage.OutputFormat).toBe('org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat');
      expect(storage.SerdeInfo).toEqual({
        SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      });
    },
  );

  test("THEN a Parquet table's columns are AWS's DDL for ORC and Parquet, with the chosen fields, in its order", () => {
    expect(columns(glueTable(template, 'primary_inventory'))).toEqual(TYPED_COLUMNS);
  });
});

function glueTable(template: Template, name: string): any {
  const tables = Object.values(template.findResources('AWS::Glue::Table')).filter(
    (t) => t.Properties.TableInput.Name === name,
  );
  expect(tables).toHaveLength(1);
  return resolved(template).resolve<any>(tables[0].Properties);
}

function columns(table: any): string[] {
  return table.TableInput.StorageDescriptor.Columns.map((c: any) => `${c.Name} ${c.Type}`);
}

/** storage-inventory-athena-query.html, the ORC/Parquet DDL without the fields not chosen. */
const TYPED_COLUMNS = [
  'bucket string',
  'key string',
  'version_id string',
  'is_latest boolean',
  'is_delete_marker boolean',
  'size bigint',
  'last_modified_date timestamp',
  'e_tag string',
  'storage_class string',
  'is_multipart_uploaded boolean',
  'replication_status string',
  'encryption_status string',
  'object_lock_retain_until_date bigint',
  'object_lock_mode string',
  'object_lock_legal_hold_status string',
  'checksum_algorithm string',
];

describe('GIVEN inventoryFormat CSV', () => {
  const { template } = pairIn({ inventoryFormat: InventoryFormat.CSV });

  test('THEN the inventories are CSV', () => {
    expect(bucketProps(template, PRIMARY).InventoryConfigurations[0].Destination.Format).toBe('CSV');
  });

  test("THEN the tables read with OpenCSVSerde and the CSV DDL's types (strings but for the booleans)", () => {
    const table = glueTable(template, 'replica_inventory');
    expect(table.TableInput.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.serde2.OpenCSVSerde',
    );
    expect(columns(table)).toEqual([
      'bucket string',
      'key string',
      'version_id string',
      'is_latest boolean',
      'is_delete_marker boolean',
      'size string',
      'last_modified_date string',
      'e_tag string',
      'storage_class string',
      'is_multipart_uploaded boolean',
      'replication_status string',
      'encryption_status string',
      'object_lock_retain_until_date string',
      'object_lock_mode string',
      'object_lock_legal_hold_status string',
      'checksum_algorithm string',
    ]);
  });
});

describe('GIVEN inventoryFormat ORC', () => {
  const { template } = pairIn({ inventoryFormat: InventoryFormat.ORC });

  test("THEN the tables read with OrcSerde and the ORC DDL's types", () => {
    const table = glueTable(template, 'primary_inventory');
    expect(table.TableInput.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.orc.OrcSerde',
    );
    expect(columns(table)).toEqual(TYPED_COLUMNS);
  });
});

describe('GIVEN the replica in another region', () => {
  const { pair, template } = pairIn({ replicaRegion: 'us-east-1' });
  const replicaTemplate = Template.fromStack(pair.replicaStack as Stack);

  test("THEN the replica's inventory goes to an ops bucket of the replica's region (an inventory's destination is in its source's region)", () => {
    const inventories = resolved(replicaTemplate, 'us-east-1').resolve<any[]>(
      bucketProps(replicaTemplate, REPLICA).InventoryConfigurations,
    );
    expect(inventories.map((i) => [i.Id, i.Destination.BucketArn, i.Destination.Prefix])).toEqual([
      ['s3-dr-lib', `arn:aws:s3:::${REPLICA_OPS}`, 'inventory'],
    ]);
  });

  test("THEN the replica region's ops bucket is SSE-S3, versioned, private, logs to the replica's log bucket and keeps reports 14 days", () => {
    const ops = bucketProps(replicaTemplate, REPLICA_OPS);
    expect(ops.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(ops.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(ops.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(ops.LoggingConfiguration.LogFilePrefix).toBe('ops/');
    expect(ops.LifecycleConfiguration.Rules).toContainEqual({
      Id: 'expire-inventory-reports',
      Status: 'Enabled',
      Prefix: 'inventory/',
      ExpirationInDays: 14,
    });
  });

  test("THEN only the replica may deliver to the replica region's ops bucket, only the primary to the ops bucket", () => {
    const delivery = (statements: any[]) =>
      statements.find((s) => s.Sid === 'AllowS3InventoryDelivery').Condition.ArnLike['aws:SourceArn'];
    expect(delivery(bucketPolicy(replicaTemplate, REPLICA_OPS, 'us-east-1'))).toEqual([
      `arn:aws:s3:::${REPLICA}`,
    ]);
    expect(delivery(bucketPolicy(template, OPS))).toEqual([`arn:aws:s3:::${PRIMARY}`]);
  });

  test("THEN the replica's table, in the pair's region, reads the replica region's ops bucket", () => {
    expect(glueTable(template, 'replica_inventory').TableInput.StorageDescriptor.Location).toBe(
      `s3://${REPLICA_OPS}/inventory/${REPLICA}/s3-dr-lib/hive/`,
    );
  });
});

describe('GIVEN inventory false', () => {
  const { template } = pairIn({ inventory: false });

  test('THEN no bucket has an inventory and there is no workgroup, database or table', () => {
    for (const name of [PRIMARY, REPLICA])
      expect(bucketProps(template, name).InventoryConfigurations).toBeUndefined();
    for (const type of ['AWS::Athena::WorkGroup', 'AWS::Glue::Database', 'AWS::Glue::Table']) {
      template.resourceCountIs(type, 0);
    }
  });
});

test('GIVEN inventoryRetention and athenaBytesScannedCutoff THEN the lifecycle and the workgroup use them', () => {
  const { template } = pairIn({
    inventoryRetention: Duration.days(60),
    athenaBytesScannedCutoff: Size.gibibytes(100),
  });
  expect(bucketProps(template, OPS).LifecycleConfiguration.Rules).toContainEqual(
    expect.objectContaining({ Id: 'expire-inventory-reports', ExpirationInDays: 60 }),
  );
  expect(
    onlyResource(template, 'AWS::Athena::WorkGroup')[1].Properties.WorkGroupConfiguration
      .BytesScannedCutoffPerQuery,
  ).toBe(100 * 1024 ** 3);
});

test('GIVEN an invalid format, retention and cutoff THEN one error names each prop, its value and the rule', () => {
  expect(() =>
    pairIn({
      inventoryFormat: 'JSON' as InventoryFormat,
      inventoryRetention: Duration.days(91),
      athenaBytesScannedCutoff: Size.mebibytes(1),
    }),
  ).toThrow(
    [
      'Invalid S3ReplicationPair props:',
      "  - inventoryFormat: 'JSON' is invalid; expected InventoryFormat.PARQUET, InventoryFormat.ORC or InventoryFormat.CSV",
      "  - inventoryRetention: '91 days' is invalid; expected whole days from 1 to 90 (the ops bucket keeps nothing longer)",
      "  - athenaBytesScannedCutoff: '1048576 bytes' is invalid; expected at least 10000000 bytes (10 MB, Athena's minimum)",
    ].join('\n'),
  );
});

test('GIVEN an inventoryRetention of part of a day THEN it is refused', () => {
  expect(() => pairIn({ inventoryRetention: Duration.hours(36) })).toThrow(
    "inventoryRetention: '1 day 12 hours' is invalid; expected whole days from 1 to 90",
  );
});
