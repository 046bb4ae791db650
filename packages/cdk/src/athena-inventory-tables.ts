import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ATHENA_RESULTS_PREFIX } from 's3-dr-naming';

/** Athena refuses a smaller per-query cutoff (https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html). */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;

/** One table: its name and the root of the inventory configuration it reads (`s3://…/<config-ID>/`). */
export interface InventoryTable {
  readonly name: string;
  readonly location: string;
}

export interface AthenaInventoryTablesProps {
  readonly workgroupName: string;
  readonly databaseName: string;
  /** Query results go here under `athena/` (the ops bucket of the stack's region). */
  readonly resultsBucket: s3.IBucket;
  /** Athena cancels a query of the workgroup once it has scanned this many bytes. */
  readonly bytesScannedCutoff: number;
  /** `CSV`, `ORC` or `Parquet`: the inventory configurations' format, which decides SerDe and types. */
  readonly format: s3.InventoryFormat;
  readonly tables: InventoryTable[];
}

/**
 * The columns of a table over an inventory report with all versions and the fields of
 * `INVENTORY_OPTIONAL_FIELDS`, as AWS's DDL names and types them for each format, in the order of
 * its DDL with the fields not chosen removed
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/storage-inventory-athena-query.html):
 * for ORC and Parquet typed values, for CSV (OpenCSVSerde) strings except the booleans.
 */
export function inventoryColumns(format: s3.InventoryFormat): glue.CfnTable.ColumnProperty[] {
  const csv = format === 'CSV';
  const columns: [string, string][] = [
    ['bucket', 'string'],
    ['key', 'string'],
    ['version_id', 'string'],
    ['is_latest', 'boolean'],
    ['is_delete_marker', 'boolean'],
    ['size', csv ? 'string' : 'bigint'],
    ['last_modified_date', csv ? 'string' : 'timestamp'],
    ['e_tag', 'string'],
    ['storage_class', 'string'],
    ['is_multipart_uploaded', 'boolean'],
    ['replication_status', 'string'],
    ['encryption_status', 'string'],
    ['object_lock_retain_until_date', csv ? 'string' : 'bigint'],
    ['object_lock_mode', 'string'],
    ['object_lock_legal_hold_status', 'string'],
    ['checksum_algorithm', 'string'],
  ];
  return columns.map(([name, type]) => ({ name, type }));
}

/** The SerDe of AWS's DDL for each format (same page). */
function inventorySerde(format: s3.InventoryFormat): string {
  if (format === 'CSV') return 'org.apache.hadoop.hive.serde2.OpenCSVSerde';
  if (format === 'ORC') return 'org.apache.hadoop.hive.ql.io.orc.OrcSerde';
  return 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe';
}

/**
 * Where the reports are queried: an Athena workgroup whose settings every query must use (results
 * SSE-S3-encrypted in the ops bucket under `athena/`, a bytes-scanned cutoff), and a Glue database
 * with one table per bucket over the `hive/dt=<YYYY-MM-DD-HH-MM>/symlink.txt` files S3 writes with
 * each report. Partition projection on `dt` computes the partitions from the table's properties, so
 * no crawler and no `MSCK REPAIR TABLE` is ever needed
 * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection.html).
 */
export class AthenaInventoryTables extends Construct {
  readonly workgroup: athena.CfnWorkGroup;
  readonly database: glue.CfnDatabase;
  readonly tables: glue.CfnTable[];

  constructor(scope: Construct, id: string, props: AthenaInventoryTablesProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.workgroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: props.workgroupName,
      description: 's3-dr verify --inventory: compares the S3 Inventory reports of the two buckets',
      state: 'ENABLED',
      // Deleting the stack deletes the workgroup with its saved queries and history.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoff,
        resultConfiguration: {
          outputLocation: props.resultsBucket.s3UrlForObject(ATHENA_RESULTS_PREFIX),
          // The ops bucket's own encryption (SSE-S3); results hold keys and metadata, not data.
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: account,
        },
      },
    });
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: {
        name: props.databaseName,
        description: 'S3 Inventory reports of the s3-dr buckets, one table per bucket',
      },
    });
    const serde = inventorySerde(props.format);
    this.tables = props.tables.map((table) => {
      const hive = `${table.location}hive/`;
      const cfn = new glue.CfnTable(this, table.name, {
        catalogId: account,
        databaseName: props.databaseName,
        tableInput: {
          name: table.name,
          tableType: 'EXTERNAL_TABLE',
          partitionKeys: [{ name: 'dt', type: 'string' }],
          parameters: {
            EXTERNAL: 'TRUE',
            // The TBLPROPERTIES of AWS's DDL (storage-inventory-athena-query.html), and the
            // location of each report's partition written out (partition-projection-setting-up.html).
            'projection.enabled': 'true',
            'projection.dt.type': 'date',
            'projection.dt.format': 'yyyy-MM-dd-HH-mm',
            'projection.dt.range': '2022-01-01-00-00,NOW',
            'projection.dt.interval': '1',
            'projection.dt.interval.unit': 'HOURS',
            'storage.location.template': `${hive}dt=\${dt}/`,
          },
          storageDescriptor: {
            columns: inventoryColumns(props.format),
            location: hive,
            inputFormat: 'org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat',
            serdeInfo: { serializationLibrary: serde },
          },
        },
      });
      cfn.node.addDependency(this.database);
      return cfn;
    });
  }
}
