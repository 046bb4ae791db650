import type { AwsClients } from '../../shared/aws';
import { describeAwsError } from '../../shared/errors';
import { describeBucket, describeReplicaError } from '../../shared/preflight';
import { headBucket, regionInError } from '../../shared/regions';
import { callerIdentity, type Target } from '../../shared/target';
import type { Check, Outcome } from './checks/types';
import { fail, pass } from './checks/types';

/** What status could read of one account's side (a vault deployment has two). */
export interface SideAccess {
  readonly side: 'primary' | 'replica';
  /** The side's account, from STS with its credentials; undefined when STS did not answer. */
  readonly account?: string;
  /** Whose credentials: `--replica-profile vault`, `the primary's credentials`. */
  readonly via: string;
  /** True when its bucket answered HeadBucket. */
  readonly read: boolean;
  /** Why not: the one line, with what to pass. */
  readonly problem?: string;
}

/** The buckets' regions and, for a two-account pair, what each side's credentials could read. */
export interface Sides {
  readonly regions: ReadonlyMap<string, string>;
  /** Empty for a pair in one account read with one set of credentials: the checklist is as it was. */
  readonly access: readonly SideAccess[];
  /** The replica's account, when it is another account's (outputs, or the replica side's identity). */
  readonly replicaAccount?: string;
}

/**
 * Heads both buckets, each with its side's credentials. A pair in one account fails as
 * assertBucketsExist does (exit 2). With a vault in another account (the output ReplicaAccount,
 * or --replica-profile/--replica-role-arn), a replica the credentials cannot read does not end the
 * run: the side says so and every check of the vault reports "could not check".
 */
export async function readSides(clients: AwsClients, target: Target): Promise<Sides> {
  const regions = new Map<string, string>();
  try {
    regions.set(target.source, (await headBucket(clients, target.source)).region ?? clients.region);
  } catch (err) {
    throw describeAwsError(err, describeBucket(target, 'source'));
  }
  const twoAccounts = target.replicaAccount !== undefined || clients.separateReplicaCredentials;
  let problem: string | undefined;
  try {
    const side = clients.replicaSide;
    regions.set(target.replica, (await headBucket(side, target.replica)).region ?? clients.region);
  } catch (err) {
    const described = describeReplicaError(err, clients, target);
    const refused = described.code === 'access-denied' || described.code === 'no-credentials';
    if (!twoAccounts || !refused) throw described;
    // The fix of access.replica says what to pass: the reason alone here.
    problem = `${described.code === 'access-denied' ? 'access denied' : 'no credentials'} to ${describeBucket(target, 'replica')}`;
    regions.set(target.replica, regionInError(err) ?? clients.region);
  }
  if (!twoAccounts) return { regions, access: [] };
  const [primaryAccount, replicaAccount] = await Promise.all([
    accountOf(clients),
    clients.separateReplicaCredentials ? accountOf(clients.replicaSide) : undefined,
  ]);
  const vault = target.replicaAccount ?? (replicaAccount !== primaryAccount ? replicaAccount : undefined);
  return {
    regions,
    replicaAccount: vault,
    access: [
      { side: 'primary', account: primaryAccount, via: "the primary's credentials", read: true },
      {
        side: 'replica',
        account: replicaAccount ?? vault,
        via: clients.replicaVia ?? "the primary's credentials",
        read: problem === undefined,
        ...(problem !== undefined ? { problem } : {}),
      },
    ],
  };
}

async function accountOf(clients: AwsClients): Promise<string | undefined> {
  try {
    return (await callerIdentity(clients)).Account;
  } catch {
    return undefined;
  }
}

/** `replica side (account 222222222222 via --replica-profile vault)`. */
export function describeSide(access: SideAccess): string {
  return `${access.side} side (account ${access.account ?? 'unknown'} via ${access.via})`;
}

/**
 * The checks `access.primary` and `access.replica` that head the checklist of a two-account pair:
 * PASS when the side's bucket could be read; FAIL when not (nothing of that side was checked, so
 * the pair cannot be called healthy), with what to pass.
 */
export function sideChecks(access: readonly SideAccess[]): Check[] {
  return access.map((a) => ({
    id: `access.${a.side}`,
    async run(): Promise<Outcome> {
      if (a.read) return pass(`${describeSide(a)}: read`);
      return fail(
        `${describeSide(a)}: could not read: ${a.problem ?? 'refused'}`,
        a.via.startsWith('--replica')
          ? `give the identity of ${a.via} read access to the replica (s3:ListBucket, the bucket's configuration reads, its key's DescribeKey), or pass one that has it`
          : `pass --replica-profile <a profile of account ${a.account ?? 'of the vault'}> or --replica-role-arn <a role of it that may read the replica>`,
      );
    },
  }));
}
