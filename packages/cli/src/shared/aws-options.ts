import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { parseDuration } from './duration';
import { CliError, EXIT } from './errors';

/**
 * Where and as whom to talk to AWS; from the global CLI options. This module loads no AWS SDK
 * package, so that the help and usage errors never wait for one (the clients are in aws.ts).
 */
export interface AwsOptions {
  readonly region?: string;
  readonly profile?: string;
  /**
   * Credentials of the replica's side when the replica is a vault in another account: a profile
   * (--replica-profile), or a role the CLI assumes with its own credentials (--replica-role-arn).
   * Without either, the replica is read with the same credentials as the primary.
   */
  readonly replicaProfile?: string;
  readonly replicaRoleArn?: string;
  /**
   * MFA of --replica-role-arn (a role whose trust requires aws:MultiFactorAuthPresent): the device
   * and its current code, passed to AssumeRole as SerialNumber and TokenCode; without a code it is
   * asked on the terminal when the role is first assumed.
   */
  readonly mfaSerial?: string;
  readonly mfaCode?: string;
  /** Credentials to use instead of the default chain (the replica's assumed role); set by aws.ts. */
  readonly credentials?: AwsCredentialIdentityProvider;
  /** S3-compatible or test endpoint; AWS_ENDPOINT_URL is used when this is unset. */
  readonly endpointUrl?: string;
  /** Upper bound on parallel requests; sizes the HTTP connection pool too. */
  readonly concurrency?: number;
  /** With --debug the SDK's own warnings are shown; otherwise they are dropped. */
  readonly debug?: boolean;
  /** Where retries are announced and, with --debug, the SDK's warnings go (stderr). */
  readonly log?: (text: string) => void;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_CONCURRENCY = 16;
/**
 * The most requests in flight --concurrency allows. S3 serves at least 3,500 writes and 5,500 reads
 * per second per partitioned prefix and answers a sudden burst above that with 503 SlowDown
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html): at tens of
 * milliseconds a request, a few hundred in flight reach that rate, and more only queue up (on this
 * machine and at the endpoint) until requests time out and retries run out.
 */
export const MAX_CONCURRENCY = 256;

/** Time to connect; the SDK then retries (6 attempts in all), saying so on stderr. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Time a request may receive nothing (before the first byte of the answer, or between bytes):
 * long enough for S3, short enough that an endpoint that never answers is noticed within minutes,
 * not hours. Not a limit on the whole request: large copies keep their connection busy.
 * S3_DR_REQUEST_TIMEOUT (a duration) overrides it.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The request timeout: S3_DR_REQUEST_TIMEOUT when set, else {@link REQUEST_TIMEOUT_MS}. */
export function requestTimeoutMs(): number {
  const value = process.env.S3_DR_REQUEST_TIMEOUT;
  return value ? parseDuration('S3_DR_REQUEST_TIMEOUT')(value) : REQUEST_TIMEOUT_MS;
}

/**
 * Fails with one line (exit 2) before any request when the options cannot work: a profile
 * (--profile, else AWS_PROFILE) that neither the shared config file nor the credentials file
 * defines; the SDK would only say that no credentials were found.
 */
export function checkAwsOptions(options: AwsOptions): void {
  const endpoint = options.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  if (endpoint !== undefined && !isHttpUrl(endpoint)) {
    throw new CliError(
      `endpoint '${endpoint}' (--endpoint-url or AWS_ENDPOINT_URL) is not an http(s) URL: write it with its scheme, e.g. http://${endpoint.replace(/^[a-z]+:\/\//i, '')}`,
    );
  }
  requestTimeoutMs();
  const profile = options.profile ?? process.env.AWS_PROFILE;
  if (profile !== undefined && profile !== '') {
    assertProfileExists(profile, options.profile !== undefined ? '--profile' : 'AWS_PROFILE');
  }
  if (options.replicaProfile !== undefined && options.replicaRoleArn !== undefined) {
    throw new CliError(
      '--replica-profile and --replica-role-arn both say how to reach the replica: pass only one',
    );
  }
  if (options.replicaProfile !== undefined) assertProfileExists(options.replicaProfile, '--replica-profile');
  if (options.replicaRoleArn !== undefined && !ROLE_ARN.test(options.replicaRoleArn)) {
    throw new CliError(
      `--replica-role-arn '${options.replicaRoleArn}' is not an IAM role ARN: expected arn:aws:iam::<12-digit account>:role/<name>`,
    );
  }
  checkMfaOptions(options);
}

/**
 * The AssumeRole rules for SerialNumber (9 to 256 of [\w+=/:,.@-]) and TokenCode (6 digits):
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
const MFA_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
const MFA_CODE = /^\d{6}$/;

function checkMfaOptions(options: AwsOptions): void {
  if (options.mfaSerial === undefined) {
    if (options.mfaCode !== undefined) {
      throw new CliError('--mfa-code needs --mfa-serial: name the MFA device the code comes from');
    }
    return;
  }
  if (options.replicaRoleArn === undefined) {
    throw new CliError(
      '--mfa-serial is for the role the CLI assumes for the replica side: it needs --replica-role-arn',
    );
  }
  if (!MFA_SERIAL.test(options.mfaSerial)) {
    throw new CliError(
      `--mfa-serial '${options.mfaSerial}' is not an MFA device: expected its ARN (arn:aws:iam::<account>:mfa/<name>) or serial number`,
    );
  }
  if (options.mfaCode !== undefined && !MFA_CODE.test(options.mfaCode)) {
    throw new CliError(`--mfa-code '${options.mfaCode}' is not an MFA code: expected 6 digits`);
  }
  if (options.mfaCode === undefined && !process.stdin.isTTY) {
    throw new CliError(
      '--mfa-serial without --mfa-code asks for the code on the terminal, and stdin is not one: pass --mfa-code <6 digits>',
    );
  }
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

function assertProfileExists(profile: string, from: string): void {
  const files = sharedConfigFiles();
  if (!files.some((file) => profilesIn(file).has(profile))) {
    throw new CliError(
      `AWS profile '${profile}' (${from}) does not exist: it is not in ${files.join(' or ')} (list them with: aws configure list-profiles)`,
      EXIT.usage,
      'no-such-profile',
    );
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The shared config and credentials files, where the SDK reads them from. */
function sharedConfigFiles(): string[] {
  const home = process.env.HOME || homedir();
  const expand = (path: string): string => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
  return [
    expand(process.env.AWS_CONFIG_FILE || join(home, '.aws', 'config')),
    expand(process.env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials')),
  ];
}

/** Profile names in an INI file: `[name]`, `[profile name]`; none when it cannot be read. */
function profilesIn(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Set();
  }
  return new Set([...text.matchAll(/^\s*\[\s*(?:profile\s+)?([^\]\s]+)\s*\]/gm)].map((m) => m[1] as string));
}
