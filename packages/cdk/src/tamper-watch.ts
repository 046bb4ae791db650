import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { alarmNamePattern, type DeploymentNames } from 's3-dr-naming';
import type { AlarmTopic } from './alarm-topic';
import { AlertPathAlarm } from './alert-path-alarm';
import type { ReplicaPlacement } from './replica-placement';
import { TamperAlarm } from './tamper-alarm';

/** The tamper rule and alarm and the alert-path rule and alarm of one place. */
export interface TamperWatch {
  readonly tamper: TamperAlarm;
  readonly alertPath: AlertPathAlarm;
}

export interface PairTamperWatchInputs {
  readonly suffix: string;
  readonly names: DeploymentNames;
  readonly placement: ReplicaPlacement;
  /** The alarm topic of the pair's region. */
  readonly topic: AlarmTopic;
  /** The alarm topic of the replica's stack, when it has one of its own. */
  readonly replicaTopic?: AlarmTopic;
  readonly primaryKey: kms.IKey;
  readonly replicaKey: kms.IKey;
  /** The pair's other EventBridge rules, in its region (the canaries' schedules). */
  readonly otherRules: string[];
}

/**
 * A tamper watch where each bucket and key lives: CloudTrail delivers a call's event to EventBridge
 * in the region of the call. The pair's watch covers the replica too when it is beside the primary;
 * a replica in a stack of its own gets a watch of its own there.
 */
export function watchPairTampering(
  pair: Construct,
  inputs: PairTamperWatchInputs,
): { here: TamperWatch; there?: TamperWatch } {
  const { suffix, names, placement, primaryKey, replicaKey } = inputs;
  const apart = placement.separateStack !== undefined;
  const here = watchTampering(pair, names, {
    suffix,
    topic: inputs.topic,
    buckets: apart ? [names.primaryBucket] : [names.primaryBucket, names.replicaBucket],
    replicaBuckets: apart ? [] : [names.replicaBucket],
    keys: apart ? [primaryKey] : [primaryKey, replicaKey],
    keyAliases: apart ? [names.primaryKeyAlias] : [names.primaryKeyAlias, names.replicaKeyAlias],
    otherRules: inputs.otherRules,
  });
  if (!placement.separateStack || !inputs.replicaTopic) return { here };
  const there = watchTampering(placement.separateStack, names, {
    suffix,
    topic: inputs.replicaTopic,
    buckets: [names.replicaBucket],
    replicaBuckets: [names.replicaBucket],
    keys: [replicaKey],
    keyAliases: [names.replicaKeyAlias],
    otherRules: [],
  });
  return { here, there };
}

/**
 * In one region: the tamper rule and alarm for the buckets and keys there, and the alert-path rule
 * and alarm for that region's alarm topic, its key and the deployment's rules and alarms there.
 * Each rule watches the other: neither can be relied on to report its own disabling.
 */
function watchTampering(
  scope: Construct,
  names: DeploymentNames,
  watch: {
    suffix: string;
    topic: AlarmTopic;
    buckets: string[];
    replicaBuckets: string[];
    keys: kms.IKey[];
    keyAliases: string[];
    otherRules: string[];
  },
): TamperWatch {
  const tamper = new TamperAlarm(scope, 'Tamper', {
    ruleName: names.tamperRule,
    alarmName: names.tamperAlarm,
    bucketNames: watch.buckets,
    replicaBucketNames: watch.replicaBuckets,
    keys: watch.keys,
    keyAliases: watch.keyAliases,
    watchedRuleNames: [names.alertPathRule],
    topic: watch.topic.topic,
  });
  const alertPath = new AlertPathAlarm(scope, 'AlertPath', {
    ruleName: names.alertPathRule,
    alarmName: names.alertPathAlarm,
    topic: watch.topic.topic,
    topicKey: watch.topic.key,
    topicKeyAlias: names.alarmTopicKeyAlias,
    ruleNames: [names.tamperRule, names.alertPathRule, ...watch.otherRules],
    alarmNamePattern: alarmNamePattern(watch.suffix),
    deliveryWatchedRuleNames: [names.tamperRule],
  });
  return { tamper, alertPath };
}
