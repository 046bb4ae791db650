import {
  CreateJobCommand,
  type CreateJobCommandInput,
  DescribeJobCommand,
  type JobDescriptor,
  S3ControlClient,
} from '@aws-sdk/client-s3-control';
import { mockClient } from 'aws-sdk-client-mock';
import {
  copyJobRequest,
  createJob,
  estimate,
  followJob,
  formatProgress,
  jobProblems,
  replicationJobRequest,
  setupFromRole,
} from '../../../src/shared/batch/jobs';

// Request shapes checked against the S3 Control API reference:
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_JobManifestGenerator.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html

const setup = setupFromRole(
  'arn:aws:iam::123456789012:role/s3-dr-batch-role-dev',
  's3-dr-ops-dev-123456789012',
);

describe('setupFromRole', () => {
  test('takes the account and partition from the role ARN', () => {
    expect(setupFromRole('arn:aws-cn:iam::210987654321:role/r', 'ops')).toEqual({
      partition: 'aws-cn',
      accountId: '210987654321',
      roleArn: 'arn:aws-cn:iam::210987654321:role/r',
      opsBucket: 'ops',
    });
  });

  test('refuses something that is not a role ARN, naming the option', () => {
    expect(() => setupFromRole('s3-dr-batch-role-dev', 'ops')).toThrow(
      /--role-arn 's3-dr-batch-role-dev' is not an IAM role ARN/,
    );
  });
});

describe('the copy job (restore --batch)', () => {
  const request = copyJobRequest(setup, {
    sourceBucket: 'primary',
    targetBucket: 'primary',
    targetKeyPrefix: '',
    manifestKey: 'manifests/restore-x.csv',
    manifestEtag: 'abc-1',
    description: 's3-dr restore of primary',
  });

  test('is an S3PutObjectCopy to the target bucket ARN that keeps metadata and tags', () => {
    expect(request.Operation).toEqual({
      S3PutObjectCopy: { TargetResource: 'arn:aws:s3:::primary', MetadataDirective: 'COPY' },
    });
  });

  test('reads a CSV manifest of bucket, key and version pinned by its ETag', () => {
    expect(request.Manifest).toEqual({
      Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
      Location: {
        ObjectArn: 'arn:aws:s3:::s3-dr-ops-dev-123456789012/manifests/restore-x.csv',
        ETag: 'abc-1',
      },
    });
  });

  test('reports every task as CSV under reports/restore of the ops bucket', () => {
    expect(request.Report).toEqual({
      Bucket: 'arn:aws:s3:::s3-dr-ops-dev-123456789012',
      Format: 'Report_CSV_20180820',
      Enabled: true,
      Prefix: 'reports/restore',
      ReportScope: 'AllTasks',
    });
  });

  test('runs at once as the batch role in the role account, with priority 50', () => {
    expect(request).toMatchObject({
      AccountId: '123456789012',
      ConfirmationRequired: false,
      RoleArn: 'arn:aws:iam::123456789012:role/s3-dr-batch-role-dev',
      Priority: 50,
    });
  });

  test('its token is the same for the same manifest and target, and differs otherwise (at most 64 chars)', () => {
    const again = copyJobRequest(setup, {
      sourceBucket: 'primary',
      targetBucket: 'primary',
      targetKeyPrefix: '',
      manifestKey: 'manifests/restore-x.csv',
      manifestEtag: 'abc-1',
      description: 'another description',
    });
    const other = copyJobRequest(setup, {
      sourceBucket: 'primary',
      targetBucket: 'primary',
      targetKeyPrefix: '',
      manifestKey: 'manifests/restore-x.csv',
      manifestEtag: 'def-1',
      description: 's3-dr restore of primary',
    });
    expect(again.ClientRequestToken).toBe(request.ClientRequestToken);
    expect(other.ClientRequestToken).not.toBe(request.ClientRequestToken);
    expect(request.ClientRequestToken?.length).toBeLessThanOrEqual(64);
  });

  test('with a target prefix, the copies go under it', () => {
    const prefixed = copyJobRequest(setup, {
      sourceBucket: 'primary',
      targetBucket: 'copy',
      targetKeyPrefix: 'may-1/',
      manifestKey: 'm.csv',
      manifestEtag: 'e',
      description: 'd',
    });
    expect(prefixed.Operation?.S3PutObjectCopy).toMatchObject({
      TargetResource: 'arn:aws:s3:::copy',
      TargetKeyPrefix: 'may-1/',
    });
  });
});

describe('the Batch Replication job (backfill)', () => {
  const generated = replicationJobRequest(setup, {
    sourceBucket: 'primary',
    statuses: ['NONE', 'FAILED'],
    prefix: 'invoices/',
    createdAfter: new Date('2024-01-01T00:00:00Z'),
    createdBefore: new Date('2024-06-01T00:00:00Z'),
    invocation: 'run-1',
    description: 's3-dr backfill of primary',
  });

  test('is an S3ReplicateObject job without confirmation, reporting under reports/backfill', () => {
    expect(generated).toMatchObject({
      Operation: { S3ReplicateObject: {} },
      ConfirmationRequired: false,
      Priority: 50,
      RoleArn: setup.roleArn,
      Report: {
        Prefix: 'reports/backfill',
        ReportScope: 'AllTasks',
        Format: 'Report_CSV_20180820',
        Enabled: true,
      },
    });
    expect(generated.Manifest).toBeUndefined();
  });

  test('lets S3 generate the manifest from the source, filtered to eligible objects by status, prefix and creation time', () => {
    expect(generated.ManifestGenerator).toEqual({
      S3JobManifestGenerator: {
        ExpectedBucketOwner: '123456789012',
        SourceBucket: 'arn:aws:s3:::primary',
        EnableManifestOutput: true,
        ManifestOutputLocation: {
          ExpectedManifestBucketOwner: '123456789012',
          Bucket: 'arn:aws:s3:::s3-dr-ops-dev-123456789012',
          ManifestPrefix: 'manifests/generated',
          ManifestEncryption: { SSES3: {} },
          ManifestFormat: 'S3InventoryReport_CSV_20211130',
        },
        Filter: {
          EligibleForReplication: true,
          ObjectReplicationStatuses: ['NONE', 'FAILED'],
          CreatedAfter: new Date('2024-01-01T00:00:00Z'),
          CreatedBefore: new Date('2024-06-01T00:00:00Z'),
          KeyNameConstraint: { MatchAnyPrefix: ['invoices/'] },
        },
      },
    });
  });

  test('without filters, the filter holds only eligibility and statuses', () => {
    const plain = replicationJobRequest(setup, {
      sourceBucket: 'p',
      statuses: ['FAILED'],
      invocation: 'i',
      description: 'd',
    });
    expect(plain.ManifestGenerator?.S3JobManifestGenerator?.Filter).toEqual({
      EligibleForReplication: true,
      ObjectReplicationStatuses: ['FAILED'],
    });
  });

  test('two invocations are two jobs; one invocation retried is one', () => {
    const base = { sourceBucket: 'p', statuses: ['NONE' as const], description: 'd' };
    const a = replicationJobRequest(setup, { ...base, invocation: 'a' }).ClientRequestToken;
    expect(replicationJobRequest(setup, { ...base, invocation: 'a' }).ClientRequestToken).toBe(a);
    expect(replicationJobRequest(setup, { ...base, invocation: 'b' }).ClientRequestToken).not.toBe(a);
  });

  test('from a CSV manifest: the manifest spec with its ETag, no generator, a token from the manifest', () => {
    const fromCsv = replicationJobRequest(setup, {
      sourceBucket: 'primary',
      statuses: ['NONE', 'FAILED'],
      manifest: { key: 'manifests/backfill.csv', etag: 'e-1' },
      invocation: 'x',
      description: 'd',
    });
    expect(fromCsv.ManifestGenerator).toBeUndefined();
    expect(fromCsv.Manifest).toEqual({
      Spec: { Format: 'S3BatchOperations_CSV_20180820', Fields: ['Bucket', 'Key', 'VersionId'] },
      Location: { ObjectArn: 'arn:aws:s3:::s3-dr-ops-dev-123456789012/manifests/backfill.csv', ETag: 'e-1' },
    });
    const again = replicationJobRequest(setup, {
      sourceBucket: 'primary',
      statuses: ['NONE', 'FAILED'],
      manifest: { key: 'manifests/backfill.csv', etag: 'e-1' },
      invocation: 'y',
      description: 'd',
    });
    expect(again.ClientRequestToken).toBe(fromCsv.ClientRequestToken);
  });
});

describe('creating and following a job', () => {
  const control = mockClient(S3ControlClient);
  beforeEach(() => control.reset());

  test('CreateJob sends the request as built and returns the job id', async () => {
    control.on(CreateJobCommand).resolves({ JobId: 'job-1' });
    const input: CreateJobCommandInput = replicationJobRequest(setup, {
      sourceBucket: 'p',
      statuses: ['NONE'],
      invocation: 'i',
      description: 'd',
    });
    expect(await createJob(new S3ControlClient({ region: 'us-east-1' }), input)).toBe('job-1');
    expect(control.commandCalls(CreateJobCommand)[0]?.args[0].input).toEqual(input);
  });

  test('an access error from CreateJob is one clear error naming the role', async () => {
    control
      .on(CreateJobCommand)
      .rejects(
        Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );
    const input = replicationJobRequest(setup, {
      sourceBucket: 'p',
      statuses: ['NONE'],
      invocation: 'i',
      description: 'd',
    });
    await expect(createJob(new S3ControlClient({ region: 'us-east-1' }), input)).rejects.toThrow(
      /s3-dr-batch-role-dev/,
    );
  });

  const job = (
    Status: JobDescriptor['Status'],
    done = 0,
    failed = 0,
    extra: Partial<JobDescriptor> = {},
  ): JobDescriptor => ({
    JobId: 'job-1',
    Status,
    ProgressSummary: {
      TotalNumberOfTasks: 100,
      NumberOfTasksSucceeded: done,
      NumberOfTasksFailed: failed,
      Timers: { ElapsedTimeInActiveSeconds: done + failed ? 10 : 0 },
    },
    ...extra,
  });

  test.each([
    ['Complete', job('Complete', 100)],
    [
      'Failed',
      job('Failed', 10, 5, {
        FailureReasons: [{ FailureCode: 'ManifestNotFound', FailureReason: 'no manifest' }],
      }),
    ],
    ['Cancelled', job('Cancelled', 20, 0, { StatusUpdateReason: 'cancelled by operator' })],
  ])('follows New, Preparing, Active until %s, reporting each state', async (_state, last) => {
    control
      .on(DescribeJobCommand)
      .resolvesOnce({ Job: job('New') })
      .resolvesOnce({ Job: job('Preparing') })
      .resolvesOnce({ Job: job('Active', 40, 10) })
      .resolves({ Job: last });
    const seen: string[] = [];
    const sleeps: number[] = [];
    const final = await followJob(new S3ControlClient({ region: 'us-east-1' }), '123456789012', 'job-1', {
      onUpdate: (j) => seen.push(j.Status as string),
      pollMs: 1234,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    expect(final).toEqual(last);
    expect(seen).toEqual(['New', 'Preparing', 'Active', last.Status]);
    expect(sleeps).toEqual([1234, 1234, 1234]);
    expect(control.commandCalls(DescribeJobCommand)[0]?.args[0].input).toEqual({
      AccountId: '123456789012',
      JobId: 'job-1',
    });
  });

  test('a DescribeJob that fails now and then does not end the wait; three failures in a row do', async () => {
    const denied = Object.assign(new Error('slow down'), {
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
    control
      .on(DescribeJobCommand)
      .rejectsOnce(denied)
      .rejectsOnce(denied)
      .resolves({ Job: job('Complete', 100) });
    const client = new S3ControlClient({ region: 'us-east-1' });
    const noSleep = { sleep: async () => undefined };
    expect((await followJob(client, '123456789012', 'job-1', noSleep)).Status).toBe('Complete');

    control.reset();
    control.on(DescribeJobCommand).rejects(denied);
    await expect(followJob(client, '123456789012', 'job-1', noSleep)).rejects.toThrow(
      /Batch Operations job job-1/,
    );
    expect(control.commandCalls(DescribeJobCommand)).toHaveLength(3);
  });

  test('a Failed job says why; a Cancelled one too', () => {
    expect(
      jobProblems(
        job('Failed', 0, 0, {
          FailureReasons: [{ FailureCode: 'ManifestNotFound', FailureReason: 'no manifest' }],
        }),
      ),
    ).toEqual(['ManifestNotFound: no manifest']);
    expect(jobProblems(job('Cancelled', 0, 0, { StatusUpdateReason: 'by operator' }))).toEqual([
      'by operator',
    ]);
  });
});

describe('progress', () => {
  test('shows tasks done of the total, succeeded, failed, and the time left at the rate so far', () => {
    const active: JobDescriptor = {
      Status: 'Active',
      ProgressSummary: {
        TotalNumberOfTasks: 1000,
        NumberOfTasksSucceeded: 190,
        NumberOfTasksFailed: 10,
        Timers: { ElapsedTimeInActiveSeconds: 60 },
      },
    };
    // 200 tasks in 60 s: 800 left take 240 s.
    expect(estimate(active)).toBe(240_000);
    expect(formatProgress(active)).toBe('Active: 200/1000 tasks, 190 succeeded, 10 failed, ETA 4m');
  });

  test('no ETA before the first task or after the end', () => {
    expect(estimate({ Status: 'Preparing', ProgressSummary: { TotalNumberOfTasks: 5 } })).toBeUndefined();
    const done: JobDescriptor = {
      Status: 'Complete',
      ProgressSummary: {
        TotalNumberOfTasks: 5,
        NumberOfTasksSucceeded: 5,
        NumberOfTasksFailed: 0,
        Timers: { ElapsedTimeInActiveSeconds: 3 },
      },
    };
    expect(estimate(done)).toBeUndefined();
    expect(formatProgress(done)).toBe('Complete: 5/5 tasks, 5 succeeded, 0 failed');
  });
});
