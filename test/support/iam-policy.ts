/**
 * Just enough of IAM to answer "does this role allow this call?" from synthesized CloudFormation: the
 * role's policies with their references resolved (across the two stacks, through their exports), the
 * actions and resources matched as IAM matches them (`*` and `?` wildcards, case-insensitive actions),
 * and the one condition Herald's grants use, `ForAllValues:StringLike` on `dynamodb:LeadingKeys`.
 *
 * A reference to a resource resolves to `<LogicalId>`, whether it is the resource's name (Ref) or its ARN
 * (GetAtt Arn): a call is checked against the resource the function's own environment names, by logical ID.
 */

type Json = unknown;
export interface CfnTemplate {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, Json>; Metadata?: Record<string, Json> }
  >;
  Outputs?: Record<string, { Value: Json; Export?: { Name: Json } }>;
}

export interface Statement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition: Record<string, Record<string, Json>> | undefined;
}

/** A permission one call needs: an action on a resource, with the partition keys it touches (DynamoDB). */
export interface Need {
  readonly action: string;
  readonly resource: string;
  readonly leadingKeys?: readonly string[];
  /** Which call needed it, for the message. */
  readonly because: string;
}

export class StackModel {
  private readonly exports = new Map<string, { value: Json; stack: string }>();

  constructor(
    private readonly templates: ReadonlyMap<string, CfnTemplate>,
    private readonly pseudo: { region: string; account: string },
  ) {
    for (const [stack, template] of templates)
      for (const output of Object.values(template.Outputs ?? {}))
        if (typeof output.Export?.Name === 'string')
          this.exports.set(output.Export.Name, { value: output.Value, stack });
  }

  resources(stack: string) {
    return this.template(stack).Resources;
  }

  /** The type of a resource in any of the stacks. */
  typeOf(logicalId: string): string | undefined {
    for (const template of this.templates.values()) {
      const resource = template.Resources[logicalId];
      if (resource) return resource.Type;
    }
    return undefined;
  }

  /**
   * A CloudFormation value as text: references become `<LogicalId>`, pseudo parameters their value.
   * `attributes` keeps what was referred to: `<Id>` for a Ref, `<Id.Attribute>` for a GetAtt (Arn too).
   */
  resolve(value: Json, stack: string, attributes = false): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    const [[fn, arg] = []] = Object.entries(value);
    switch (fn) {
      case 'Ref': {
        const name = String(arg);
        if (name === 'AWS::Region') return this.pseudo.region;
        if (name === 'AWS::AccountId') return this.pseudo.account;
        if (name === 'AWS::Partition') return 'aws';
        if (name === 'AWS::URLSuffix') return 'amazonaws.com';
        return `<${name}>`;
      }
      case 'Fn::GetAtt': {
        const [id, attribute] = arg as [string, string];
        return attribute === 'Arn' && !attributes ? `<${id}>` : `<${id}.${attribute}>`;
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, Json[]];
        return parts.map((part) => this.resolve(part, stack, attributes)).join(separator);
      }
      case 'Fn::ImportValue': {
        const exported = this.exports.get(String(arg));
        if (!exported) throw new Error(`no stack exports ${String(arg)}`);
        return this.resolve(exported.value, exported.stack, attributes);
      }
      default:
        throw new Error(`cannot resolve ${fn} in ${JSON.stringify(value)}`);
    }
  }

  /** Every statement of the policies attached to a role (inline in the role, or AWS::IAM::Policy). */
  statementsOf(roleId: string, stack: string): Statement[] {
    const resources = this.resources(stack);
    const documents: Json[] = [];
    const role = resources[roleId];
    for (const policy of (role?.Properties?.Policies as Array<{ PolicyDocument: Json }> | undefined) ?? [])
      documents.push(policy.PolicyDocument);
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::IAM::Policy') continue;
      const roles = (resource.Properties?.Roles as Array<{ Ref?: string }> | undefined) ?? [];
      if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties?.PolicyDocument);
    }
    if ((role?.Properties?.ManagedPolicyArns as unknown[] | undefined)?.length)
      throw new Error(`${roleId} has managed policies, which this proof does not read`);
    return documents.flatMap((document) =>
      ((document as { Statement: Array<Record<string, Json>> }).Statement ?? []).map((s) => ({
        effect: s.Effect as 'Allow' | 'Deny',
        actions: [s.Action].flat().map(String),
        resources: [s.Resource]
          .flat()
          .filter((r) => r !== undefined)
          .map((r) => this.resolve(r, stack)),
        condition: s.Condition as Statement['condition'],
      })),
    );
  }

  private template(stack: string): CfnTemplate {
    const template = this.templates.get(stack);
    if (!template) throw new Error(`no template for ${stack}`);
    return template;
  }
}

const wildcard = (pattern: string, flags = '') =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
    flags,
  );

export const matchesAction = (pattern: string, action: string) => wildcard(pattern, 'i').test(action);
export const matchesResource = (pattern: string, resource: string) => wildcard(pattern).test(resource);

/** Whether the statement's condition holds for the need (only the condition Herald's grants use). */
function conditionHolds(statement: Statement, need: Need): boolean {
  if (!statement.condition) return true;
  for (const [operator, keys] of Object.entries(statement.condition)) {
    for (const [key, expected] of Object.entries(keys)) {
      if (operator !== 'ForAllValues:StringLike' || key !== 'dynamodb:LeadingKeys')
        throw new Error(`the proof cannot evaluate the condition ${operator} ${key}: teach it`);
      const patterns = [expected].flat().map(String);
      // ForAllValues with no values holds (IAM's rule): a Scan names no partition.
      if (!(need.leadingKeys ?? []).every((k) => patterns.some((p) => matchesResource(p, k)))) return false;
    }
  }
  return true;
}

const applies = (statement: Statement, need: Need) =>
  statement.actions.some((a) => matchesAction(a, need.action)) &&
  statement.resources.some((r) => matchesResource(r, need.resource));

/** IAM's answer for one need: allowed when an Allow applies with its condition, and no Deny applies. */
export function allows(statements: readonly Statement[], need: Need): boolean {
  if (statements.some((s) => s.effect === 'Deny' && applies(s, need) && conditionHolds(s, need)))
    return false;
  return statements.some((s) => s.effect === 'Allow' && applies(s, need) && conditionHolds(s, need));
}

/** Whether a need is what this statement's action and resource grant (for "granted, never exercised"). */
export function exercises(statement: Statement, action: string, resource: string, needs: readonly Need[]) {
  return needs.some(
    (need) =>
      matchesAction(action, need.action) &&
      matchesResource(resource, need.resource) &&
      conditionHolds(statement, need),
  );
}
