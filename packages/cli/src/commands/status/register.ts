import type { Register } from '../../shared/context';

const HELP = `
Checks (PASS / WARN / FAIL; every FAIL comes with its fix):
  versioning on both buckets; the replication rule (enabled, all objects, RTC 15 minutes, metrics,
  delete markers, replica modifications, SSE-KMS objects, the replica key); the replication role;
  default encryption (SSE-KMS, Bucket Keys) and key rotation of both keys; SSL-only bucket
  policies; public access blocks; Transfer Acceleration on the primary; the GLACIER lifecycle on
  the replica; Object Lock on the replica; its protection policy and who is exempt; whether it
  empties itself when its stack is deleted (removalPolicy destroy: a WARN, which the protection does
  not stop); deletion
  protection of both keys (FAIL when one is pending deletion, with the date, or disabled); the
  tamper rule; the alarms and their state; a confirmed subscription on the alarm topic (without
  one the alarms notify nobody); the last hour of ReplicationLatency,
  OperationsPendingReplication, BytesPendingReplication and OperationsFailedReplication.
  Cross-region and two-way deployments also get, where each applies: the reverse rule on the
  replica, its role and its alarms in the replica's region, the Multi-Region Access Point and
  which side its routes make active. Each bucket is read in its own region.
  A check the caller may not read (AccessDenied) is a WARN "could not check".

Exit codes: 0 no FAIL, 1 at least one FAIL, 2 usage error, no credentials or a bucket that does not exist.

Examples:
  $ s3-dr status --env dev
  $ s3-dr status --outputs cfn-outputs/flat-outputs.json --json
  $ s3-dr status --source primary-bucket-dev-123456789012 --replica replica-bucket-dev-123456789012
`;

export const registerStatus: Register = (program, bind) => {
  program
    .command('status')
    .description('audit a deployed pair: a PASS/WARN/FAIL checklist of its replication, security and alarms')
    .addHelpText('after', HELP)
    .action(
      bind(async (ctx) => {
        // Required on first use, not at start-up: the audit pulls in six AWS SDK clients.
        const { status } = require('./action') as typeof import('./action');
        return status(ctx);
      }),
    );
};
