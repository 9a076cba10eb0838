import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHeraldConfig } from '#infra/config.ts';
import { buildHerald } from '#infra/herald-app.ts';
import { testApp } from '../support/cdk-app.ts';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: string[] } };
}

let template: Template;
beforeAll(() => {
  const app = testApp();
  const { stack } = buildHerald(
    app,
    'Test',
    readHeraldConfig({ fromAddress: 'Press <news@example.org>', sesIdentity: 'example.org' }),
    { account: '111122223333', region: 'eu-west-1' },
  );
  template = Template.fromStack(stack);
});

/** The DynamoDB statements of the role of the function whose description matches. */
function tableStatements(description: RegExp): Statement[] {
  const functions = template.findResources('AWS::Lambda::Function');
  const fn = Object.values(functions).find((f) => description.test(f.Properties.Description ?? ''));
  if (!fn) throw new Error(`no function matches ${description}`);
  const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
    (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  return policies
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('dynamodb:')));
}

const glob = (pattern: string, value: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);

/** Whether the role may do `action` on an item whose partition key is `pk`, as IAM would decide. */
function allows(statements: Statement[], action: string, pk: string): boolean {
  return statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      [s.Action].flat().includes(action) &&
      (s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] ?? ['*']).some((p) => glob(p, pk)),
  );
}

const pages: Array<[string, RegExp]> = [
  ['article', /web version of an article/],
  ['archive', /archive of a language/],
  ['digest page', /web version of a digest/],
  ['unsubscribe', /one-click unsubscribe/],
  ['preferences', /preference center/],
  ['subscribe', /subscribe page and API/],
  ['confirm', /double opt-in/],
  ['my data', /download or erase/],
  ['suggest', /suggest an article/],
  ['suggestions stop', /no more suggestions/],
  ['public mail', /confirmations, welcomes, data links and suggestions/],
  ['ses events', /bounces and complaints/],
  ['home', /the home page/],
];

describe('table access of the public functions', () => {
  it.each(pages)(
    '%s reaches the table only through partition-key prefixes, and never scans',
    (_name, description) => {
      const statements = tableStatements(description);
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        expect(s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']?.length).toBeGreaterThan(0);
        expect([s.Action].flat()).not.toContain('dynamodb:Scan');
      }
    },
  );

  it('the article, archive and digest pages only read, and cannot read a subscriber, a suppression or a limit', () => {
    for (const [name, description] of pages.slice(0, 3)) {
      const statements = tableStatements(description);
      for (const action of [
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ])
        for (const pk of ['ART#x', 'ARCHIVE#en', 'SUB#r_1'])
          expect(allows(statements, action, pk), `${name} ${action} ${pk}`).toBe(false);
      for (const pk of ['SUB#r_1', 'SUPP#abc', 'RATE#x', 'DIG#d_1', 'QUOTA'])
        expect(allows(statements, 'dynamodb:GetItem', pk), `${name} ${pk}`).toBe(false);
    }
    expect(allows(tableStatements(/web version of an article/), 'dynamodb:Query', 'ART#harbour')).toBe(true);
    expect(allows(tableStatements(/archive of a language/), 'dynamodb:Query', 'ARCHIVE#ar')).toBe(true);
  });

  it('the subscribe and suggest pages keep to limits, proofs and (for suggestions) articles: no subscriber at all', () => {
    for (const description of [/subscribe page and API/, /suggest an article/]) {
      const statements = tableStatements(description);
      expect(allows(statements, 'dynamodb:UpdateItem', 'RATE#subscribe-client#127.0.0.1')).toBe(true);
      expect(allows(statements, 'dynamodb:PutItem', 'PROOF#sig')).toBe(true);
      for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem'])
        for (const pk of ['SUB#r_1', 'SUPP#abc', 'DIG#d_1'])
          expect(allows(statements, action, pk)).toBe(false);
    }
    expect(allows(tableStatements(/suggest an article/), 'dynamodb:PutItem', 'ART#x')).toBe(false);
  });

  it('the unsubscribe and stop-suggestions pages write only what they change', () => {
    const unsubscribe = tableStatements(/one-click unsubscribe/);
    expect(allows(unsubscribe, 'dynamodb:UpdateItem', 'SUB#r_1')).toBe(true);
    expect(allows(unsubscribe, 'dynamodb:PutItem', 'SUPP#abc')).toBe(false);
    const stop = tableStatements(/no more suggestions/);
    expect(allows(stop, 'dynamodb:PutItem', 'NOSUGGEST#abc')).toBe(true);
    expect(allows(stop, 'dynamodb:GetItem', 'SUB#r_1')).toBe(false);
  });
});

describe('bucket access for large bodies and quarantine reasons', () => {
  /** The S3 statements of a function's role: actions and the key patterns they name. */
  function bucketGrants(description: RegExp): Array<{ actions: string[]; keys: string }> {
    const functions = template.findResources('AWS::Lambda::Function');
    const fn = Object.values(functions).find((f) => description.test(f.Properties.Description ?? ''))!;
    const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
      .flatMap((s) =>
        [s.Resource]
          .flat()
          .map((resource) => ({ actions: [s.Action].flat(), keys: JSON.stringify(resource) })),
      );
  }

  it('lets ingest keep a large body and a reason, and the article page read the body, and nothing more', () => {
    const ingest = bucketGrants(/documents → articles/);
    for (const prefix of ['article-bodies/*', 'quarantine-reasons/*', 'quarantine/*'])
      expect(
        ingest.some((g) => g.keys.includes(prefix) && g.actions.some((a) => a.startsWith('s3:PutObject'))),
      ).toBe(true);
    const article = bucketGrants(/web version of an article/);
    expect(article.length).toBeGreaterThan(0);
    // Objects of article-bodies/ only (the bucket itself is named too, for listing), and only to read.
    const objects = article.filter((g) => g.keys.includes('/'));
    expect(objects.length).toBeGreaterThan(0);
    for (const grant of objects) expect(grant.keys).toContain('/article-bodies/*');
    for (const grant of article)
      expect(grant.actions.every((a) => a.startsWith('s3:Get') || a.startsWith('s3:List'))).toBe(true);
  });
});
