import { deploymentNames } from 's3-dr-naming';
import { MAX_SINGLE_COPY_BYTES, partRanges } from '../../shared/copy';
import { CliError, EXIT } from '../../shared/errors';
import {
  STREAM_PART_BYTES,
  STREAM_PARTS_IN_MEMORY,
  streamMemoryBytes,
  streamPartBytes,
  streamWriteRequests,
} from '../../shared/stream-copy';
import type { Target } from '../../shared/target';
import { count, formatBytes } from '../../shared/text';
import type { RestoreAction } from './plan';
import type { ReplicaSource } from './run';

/** How restore --from replica gets a version from the replica into the target (see run.ts ReplicaSource). */
export type CopyMode = ReplicaSource['copy'];
const COPY_MODES: readonly string[] = ['server', 'stream'] satisfies CopyMode[];

/** The options of `s3-dr restore` this module reads. */
export interface FromOptions {
  readonly from?: string;
  readonly copy?: string;
  readonly bucket?: string;
  readonly batch: boolean;
  readonly manifestOnly?: string;
  readonly restoreArchived: boolean;
}

/** How the replica side's credentials were given (the global options). */
export interface ReplicaCredentials {
  readonly replicaProfile?: string;
  readonly replicaRoleArn?: string;
}

/**
 * Usage errors of --from and --copy, one line each, before any request. Without --from, --bucket
 * names the bucket to restore and is required.
 */
export function checkFromOptions(options: FromOptions): void {
  if (options.from === undefined) {
    if (options.copy !== undefined) {
      throw new CliError(
        `--copy ${options.copy} says how versions come out of the replica: it needs --from replica`,
      );
    }
    if (options.bucket === undefined) {
      throw new CliError("required option '--bucket <name>' not specified (run s3-dr restore --help)");
    }
    return;
  }
  if (options.from !== 'replica') {
    throw new CliError(
      `--from '${options.from}' is not a bucket restore can read from: the only one is --from replica (the versions of the target's replica, written into its primary)`,
    );
  }
  if (options.copy !== undefined && !COPY_MODES.includes(options.copy)) {
    throw new CliError(
      `--copy '${options.copy}' is not a way to copy: expected server (CopyObject by one principal that reads the replica and writes the target) or stream (through this machine, each side with its own credentials)`,
    );
  }
  if (options.bucket !== undefined) {
    throw new CliError(
      `--bucket ${options.bucket} and --from replica both name the bucket whose versions are read: --from replica reads the replica of the target (--env, --outputs or --source/--replica); drop --bucket`,
    );
  }
  const batch = options.batch
    ? '--batch'
    : options.manifestOnly !== undefined
      ? '--manifest-only'
      : undefined;
  if (batch) {
    throw new CliError(
      `${batch} with --from replica: a Batch Operations copy job runs as the deployment's batch role, of the primary's account, which may not read a vault in another account; drop ${batch} (restore --from replica copies from here)`,
    );
  }
  if (options.restoreArchived) {
    throw new CliError(
      "--restore-archived with --from replica: restore writes nothing to the replica, and a RestoreObject of its archived versions is for the replica's account to start; drop --restore-archived",
    );
  }
}

/**
 * The bucket the state at T is written into: --target-bucket, else the target's primary. Never the
 * replica: restore --from replica writes nothing to it.
 */
export function checkWrittenBucket(replica: string, written: string): void {
  if (written === replica) {
    throw new CliError(
      `--target-bucket ${written} is the replica restore --from replica reads: it writes nothing to the replica; name another bucket, or drop --target-bucket to write into the primary`,
    );
  }
}

/**
 * A vault in another account (output ReplicaAccount) is not readable with the primary's
 * credentials: without --replica-role-arn or --replica-profile, say which to pass before any request.
 */
export function checkReplicaReachable(target: Target, separateReplicaCredentials: boolean): void {
  const account = target.replicaAccount;
  if (account === undefined || separateReplicaCredentials) return;
  const role = target.vaultRecoveryRoleArn ?? `arn:aws:iam::${account}:role/<role>`;
  throw new CliError(
    `the replica s3://${target.replica} is in account ${account} (a vault in another account), which the primary's credentials cannot read: pass --replica-role-arn ${role}${target.vaultRecoveryRoleArn ? " (the vault's recovery role: server-side copies; add --mfa-serial)" : ''} or --replica-profile <a profile of account ${account}> (streamed copies)`,
    EXIT.usage,
    'replica-credentials',
  );
}

/** The way chosen and why, in words for the plan. */
export interface CopyChoice {
  readonly copy: CopyMode;
  readonly why: string;
}

/**
 * Server-side CopyObject when one principal may read the replica and write the target: the same
 * credentials on both sides (no --replica-profile/--replica-role-arn), or the replica side assumed
 * as the vault's recovery role, which the primary's bucket and key policies allow to write the
 * primary. Otherwise streaming, each side with its own credentials. --copy decides when given.
 */
export function chooseCopy(
  copy: string | undefined,
  credentials: ReplicaCredentials,
  target: Target,
): CopyChoice {
  if (copy === 'server' || copy === 'stream') return { copy, why: `--copy ${copy}` };
  if (credentials.replicaProfile === undefined && credentials.replicaRoleArn === undefined) {
    return { copy: 'server', why: 'the same credentials read the replica and write the target' };
  }
  if (credentials.replicaRoleArn !== undefined && isRecoveryRole(credentials.replicaRoleArn, target)) {
    return {
      copy: 'server',
      why: "the replica side is the vault's recovery role, which may read the vault and write the primary",
    };
  }
  return {
    copy: 'stream',
    why: `the replica side's credentials (${describeCredentials(credentials)}) are not known to write the target: --copy server if they may`,
  };
}

/** Whether `arn` is the vault's recovery role: its output, or its name by the naming contract. */
function isRecoveryRole(arn: string, target: Target): boolean {
  if (target.vaultRecoveryRoleArn !== undefined) return arn === target.vaultRecoveryRoleArn;
  if (target.suffix === undefined) return false;
  // The role's name does not depend on the accounts.
  const name = deploymentNames(target.suffix, '000000000000').vaultRecoveryRole;
  return arn.endsWith(`:role/${name}`);
}

/** `role <arn>`, `profile <name>`, or the primary's credentials. */
export function describeCredentials(credentials: ReplicaCredentials): string {
  if (credentials.replicaRoleArn !== undefined) return `role ${credentials.replicaRoleArn}`;
  if (credentials.replicaProfile !== undefined) return `profile ${credentials.replicaProfile}`;
  return "the primary's credentials";
}

/**
 * The last line of a restore --from replica stopped by a refusal: with server-side copies, whose
 * credentials sent them and the way out (streaming reads and writes each side with its own).
 */
export function explainStop(error: CliError, place: FromReplicaPlace): CliError {
  if (place.choice.copy !== 'server' || error.code !== 'access-denied') return error;
  return new CliError(
    `${error.message}; the server-side copies are sent with ${describeCredentials(place.credentials)}, which must read the replica and write s3://${place.written}: --copy stream reads with them and writes with the primary's credentials`,
    error.exitCode,
    error.code,
  );
}

/** What applying the plan costs: requests and bytes, added up over the planned actions. */
export interface ReplicaCost {
  readonly copies: number;
  /** Bytes of the versions copied: what leaves the replica. */
  readonly bytes: number;
  /** Write requests to the target: PutObject/UploadPart/Create/Complete, or CopyObject/UploadPartCopy. */
  readonly writes: number;
  /** Read requests to the replica (GetObject when streaming; HeadObject + GetObjectTagging per multipart server copy). */
  readonly reads: number;
  readonly deleteMarkers: number;
  /** Bytes of the largest version copied: its parts are the largest a streamed copy holds. */
  readonly largest: number;
}

/** Adds up the cost of each planned action (planRestore's onPlanned). */
export function costCounter(copy: CopyMode): { add(action: RestoreAction): void; total(): ReplicaCost } {
  const cost = { copies: 0, bytes: 0, writes: 0, reads: 0, deleteMarkers: 0, largest: 0 };
  return {
    add(action) {
      if (action.type === 'delete-mark') cost.deleteMarkers++;
      if (action.type !== 'copy') return;
      const size = action.atT?.size ?? 0;
      cost.copies++;
      cost.bytes += size;
      cost.largest = Math.max(cost.largest, size);
      if (copy === 'stream') {
        cost.reads++;
        cost.writes += streamWriteRequests(size);
      } else if (size > MAX_SINGLE_COPY_BYTES) {
        cost.reads += 2;
        cost.writes += 2 + partRanges(size).length;
      } else {
        cost.writes++;
      }
    },
    total: () => ({ ...cost }),
  };
}

/** Where each side is, for the plan. */
export interface FromReplicaPlace {
  readonly replica: string;
  readonly replicaRegion: string;
  readonly written: string;
  readonly writtenRegion: string;
  readonly credentials: ReplicaCredentials;
  readonly choice: CopyChoice;
  /** Objects in flight at most (--concurrency). */
  readonly concurrency: number;
}

/**
 * The plan's lines about --from replica: who reads and writes what, how the versions travel and
 * what that costs. Transfer: a COPY within a region moves no billed data; between regions it is
 * billed as data transfer; data read out of S3 to this machine is data transfer out, free only to
 * EC2 in the bucket's region (https://aws.amazon.com/s3/faqs/, "Billing";
 * https://aws.amazon.com/s3/pricing/, "Data transfer"). The bucket owner pays its requests and
 * transfer (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html).
 */
export function describeFromReplica(place: FromReplicaPlace, cost: ReplicaCost): string[] {
  const { replica, replicaRegion, written, writtenRegion, choice } = place;
  const reader = describeCredentials(place.credentials);
  const lines = [
    `from replica: versions read from s3://${replica} (${replicaRegion}) with ${reader}; nothing is written to it`,
  ];
  const bytes = formatBytes(cost.bytes);
  const others = `${count(cost.deleteMarkers, 'DeleteObject request')} (delete markers) to s3://${written}, and the listings`;
  if (choice.copy === 'server') {
    lines.push(
      `copy: server-side CopyObject sent with ${reader}; nothing passes through this machine; chosen because ${choice.why}`,
      `cost: ${count(cost.writes, 'copy request')} (CopyObject; UploadPartCopy above 5 GiB), ${others}; ${bytes} copied ${
        replicaRegion === writtenRegion
          ? `within ${replicaRegion} (a copy within a region moves no billed data)`
          : `from ${replicaRegion} to ${writtenRegion}: billed as inter-region data transfer`
      }`,
    );
    return lines;
  }
  // Above 10,000 parts of 8 MiB (78 GiB) parts grow, and so does what each object in flight holds.
  const memory = formatBytes(place.concurrency * streamMemoryBytes(cost.largest));
  const largestPart = streamPartBytes(cost.largest);
  const parts =
    largestPart > STREAM_PART_BYTES
      ? `${formatBytes(STREAM_PART_BYTES)} parts (${formatBytes(largestPart)} for the largest version: 10,000 parts at most)`
      : `${formatBytes(STREAM_PART_BYTES)} parts`;
  lines.push(
    `copy: streamed through this machine: GetObject from the replica, PutObject or a multipart upload in ${parts} to s3://${written} (${writtenRegion}) with the primary's credentials; at most ${count(place.concurrency, 'object')} in flight (--concurrency), ${memory} of parts in memory at most (${STREAM_PARTS_IN_MEMORY} parts each); chosen because ${choice.why}`,
    `cost: ${count(cost.reads, 'GetObject request')} from the replica (and a GetObjectTagging per tagged version), ${count(cost.writes, 'write request')} (PutObject, or CreateMultipartUpload + UploadPart + Complete), ${others}; ${bytes} out of ${replicaRegion} to this machine, billed to the replica's owner as data transfer out unless this machine runs in ${replicaRegion}`,
  );
  return lines;
}
