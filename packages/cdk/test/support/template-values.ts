import type { Template } from 'aws-cdk-lib/assertions';

/**
 * Turns the CloudFormation values of a synthesized template into the plain strings they become when
 * the stack is deployed in `deployment`, so that policies can be evaluated (policy-evaluator.ts) and
 * patterns measured. Only what the project's templates use is known: pseudo parameters, `Ref` and
 * `Fn::GetAtt …Arn` of buckets, roles, keys, topics and rules, `Fn::Join`, `Fn::Sub`. Anything else
 * throws rather than guess.
 *
 * Physical names come from the resource's name property when it has one, else from its logical id
 * (what CloudFormation would generate is unknown at synth time; the logical id keeps them distinct).
 */
export interface Deployment {
  readonly account: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
  /** @default 'amazonaws.com' */
  readonly urlSuffix?: string;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export class TemplateValues {
  private readonly resources: Resources;
  private readonly partition: string;

  constructor(
    template: Template,
    private readonly deployment: Deployment,
  ) {
    this.resources = template.toJSON().Resources ?? {};
    this.partition = deployment.partition ?? 'aws';
  }

  /** `value` with every intrinsic replaced by the string it becomes. */
  resolve<T = unknown>(value: unknown): T {
    return this.walk(value) as T;
  }

  /** The resolved policy statements of every resource of `type` whose logical id starts with `prefix`. */
  policyStatements(type: 'AWS::S3::BucketPolicy' | 'AWS::SNS::TopicPolicy', prefix = ''): any[] {
    return this.ofType(type, prefix).flatMap(
      ([, r]) => this.resolve<any>(r.Properties?.PolicyDocument).Statement,
    );
  }

  /** The resolved key policy statements of the key whose logical id starts with `prefix`. */
  keyPolicyStatements(prefix: string): any[] {
    const keys = this.ofType('AWS::KMS::Key', prefix);
    if (keys.length !== 1)
      throw new Error(`expected one AWS::KMS::Key starting with ${prefix}, found ${keys.length}`);
    return this.resolve<any>(keys[0][1].Properties?.KeyPolicy).Statement;
  }

  /** The ARN the role with this logical id gets. */
  roleArn(logicalId: string): string {
    return this.resolve({ 'Fn::GetAtt': [logicalId, 'Arn'] });
  }

  /** Logical ids of the resources of `type` whose logical id starts with `prefix`. */
  logicalIds(type: string, prefix = ''): string[] {
    return this.ofType(type, prefix).map(([id]) => id);
  }

  private ofType(type: string, prefix: string): [string, Resources[string]][] {
    return Object.entries(this.resources).filter(([id, r]) => r.Type === type && id.startsWith(prefix));
  }

  private walk(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
      const [fn, arg] = entries[0];
      return this.intrinsic(fn, arg);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.walk(v)]));
  }

  private intrinsic(fn: string, arg: any): string {
    switch (fn) {
      case 'Ref':
        return this.ref(arg);
      case 'Fn::GetAtt':
        return this.getAtt(arg[0], arg[1]);
      case 'Fn::Join':
        return (this.walk(arg[1]) as unknown[]).map((p) => this.text(p)).join(arg[0]);
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0], this.walk(arg[1] ?? {})] : [arg, {}];
        return (text as string).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in (vars as object)) return this.text((vars as Record<string, unknown>)[name]);
          const [id, attribute] = name.split('.');
          return attribute ? this.getAtt(id, attribute) : this.ref(id);
        });
      }
      default:
        throw new Error(`cannot resolve ${fn}: not one of the intrinsics TemplateValues knows`);
    }
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': this.deployment.account,
      'AWS::Region': this.deployment.region,
      'AWS::Partition': this.partition,
      'AWS::URLSuffix': this.deployment.urlSuffix ?? 'amazonaws.com',
    };
    if (name in pseudo) return pseudo[name];
    const resource = this.resource(name);
    switch (resource.Type) {
      case 'AWS::S3::Bucket':
        return this.physicalName(name, 'BucketName').toLowerCase();
      case 'AWS::IAM::Role':
        return this.physicalName(name, 'RoleName');
      case 'AWS::Events::Rule':
        return this.physicalName(name, 'Name');
      case 'AWS::KMS::Key':
        // Readable in assertions; a real key id is a UUID, 36 characters.
        return `key-${name}`;
      case 'AWS::SNS::Topic':
        return this.arn('sns', this.physicalName(name, 'TopicName'));
      default:
        throw new Error(`cannot resolve Ref ${name}: resources of type ${resource.Type} are not known`);
    }
  }

  private getAtt(name: string, attribute: string): string {
    const resource = this.resource(name);
    const known: Record<string, () => string> = {
      'AWS::S3::Bucket.Arn': () => `arn:${this.partition}:s3:::${this.ref(name)}`,
      'AWS::IAM::Role.Arn': () =>
        `arn:${this.partition}:iam::${this.deployment.account}:role/${this.ref(name)}`,
      'AWS::KMS::Key.Arn': () => this.arn('kms', `key/${this.ref(name)}`),
      'AWS::Events::Rule.Arn': () => this.arn('events', `rule/${this.ref(name)}`),
      'AWS::SNS::Topic.TopicArn': () => this.ref(name),
      // What a KeyArnLookup finds at deploy time: the key its alias names in its region.
      'Custom::S3DrKeyArn.KeyArn': () => {
        const { Alias: alias, Region: region } = resource.Properties as Record<string, string>;
        return `arn:${this.partition}:kms:${region}:${this.deployment.account}:key/<${alias}>`;
      },
    };
    const resolve = known[`${resource.Type}.${attribute}`];
    if (!resolve) throw new Error(`cannot resolve Fn::GetAtt ${name}.${attribute} (${resource.Type})`);
    return resolve();
  }

  private arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.deployment.region}:${this.deployment.account}:${resource}`;
  }

  private physicalName(logicalId: string, property: string): string {
    const given = this.resource(logicalId).Properties?.[property];
    return given === undefined ? logicalId : this.text(this.walk(given));
  }

  private resource(logicalId: string): Resources[string] {
    const resource = this.resources[logicalId];
    if (!resource) throw new Error(`no resource ${logicalId} in the template`);
    return resource;
  }

  private text(value: unknown): string {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  }
}
