import type { Template } from 'aws-cdk-lib/assertions';

/** The only resource of `type` in `template` whose properties match, with its logical id. */
export function onlyResource(
  template: Template,
  type: string,
  props?: object,
): [string, Record<string, any>] {
  const found = Object.entries(template.findResources(type, props ? { Properties: props } : undefined));
  if (found.length !== 1) {
    throw new Error(
      `expected exactly one ${type}${props ? ` matching ${JSON.stringify(props)}` : ''}, found ${found.length}`,
    );
  }
  return found[0] as [string, Record<string, any>];
}

/** Logical id of the KMS key that the alias `aliasName` names. */
export function keyIdOfAlias(template: Template, aliasName: string): string {
  return onlyResource(template, 'AWS::KMS::Alias', { AliasName: aliasName })[1].Properties.TargetKeyId[
    'Fn::GetAtt'
  ][0];
}

/** The statements of the only managed policy of the role named `roleName`, which has no other policy. */
export function roleStatements(template: Template, roleName: string): Record<string, any>[] {
  const [roleId] = onlyResource(template, 'AWS::IAM::Role', { RoleName: roleName });
  return roleStatementsById(template, roleId);
}

/** The statements of the only managed policy of the role with this logical id, which has no other policy. */
export function roleStatementsById(template: Template, roleId: string): Record<string, any>[] {
  const role = template.toJSON().Resources[roleId].Properties;
  if (role.Policies !== undefined || role.ManagedPolicyArns?.length !== 1) {
    throw new Error(`expected role ${roleId} to have exactly one managed policy and no inline policy`);
  }
  const attached = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    JSON.stringify(p.Properties.Roles ?? []).includes(`"${roleId}"`),
  );
  if (attached.length > 0) throw new Error(`expected no AWS::IAM::Policy attached to role ${roleId}`);
  return template.toJSON().Resources[role.ManagedPolicyArns[0].Ref].Properties.PolicyDocument.Statement;
}
