import { describe, expect, it } from 'vitest';
import { allows, type CfnTemplate, type Need, StackModel, type Statement } from '../../support/iam-policy.ts';

const table = (partitions: string[], actions = ['dynamodb:GetItem', 'dynamodb:Query']): Statement => ({
  effect: 'Allow',
  actions,
  resources: ['<HeraldTable>'],
  condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': partitions } },
});
const need = (action: string, resource: string, leadingKeys?: string[]): Need => ({
  action,
  resource,
  because: 'test',
  ...(leadingKeys ? { leadingKeys } : {}),
});

describe('the IAM model the proof checks calls with', () => {
  it('allows an item only in the partitions the condition names', () => {
    const role = [table(['SUB#*', 'QUOTA'])];
    expect(allows(role, need('dynamodb:GetItem', '<HeraldTable>', ['SUB#…']))).toBe(true);
    expect(allows(role, need('dynamodb:GetItem', '<HeraldTable>', ['QUOTA']))).toBe(true);
    expect(allows(role, need('dynamodb:GetItem', '<HeraldTable>', ['RATE#…']))).toBe(false);
    // A batch is allowed only when every key it touches is.
    expect(allows(role, need('dynamodb:GetItem', '<HeraldTable>', ['SUB#…', 'RATE#…']))).toBe(false);
  });

  it('matches actions case-insensitively with wildcards, resources exactly with wildcards', () => {
    const role: Statement[] = [
      {
        effect: 'Allow',
        actions: ['s3:GetObject*'],
        resources: ['<Bucket>/digests/*'],
        condition: undefined,
      },
    ];
    expect(allows(role, need('s3:getobject', '<Bucket>/digests/…'))).toBe(true);
    expect(allows(role, need('s3:GetObject', '<Bucket>/documents/…'))).toBe(false);
    expect(allows(role, need('s3:PutObject', '<Bucket>/digests/…'))).toBe(false);
    expect(allows(role, need('dynamodb:Query', '<HeraldTable>/index/audience'))).toBe(false);
  });

  it('lets an explicit Deny win over an Allow', () => {
    const role: Statement[] = [
      { effect: 'Allow', actions: ['sqs:*'], resources: ['*'], condition: undefined },
      { effect: 'Deny', actions: ['sqs:SendMessage'], resources: ['<Queue>'], condition: undefined },
    ];
    expect(allows(role, need('sqs:SendMessage', '<Queue>'))).toBe(false);
    expect(allows(role, need('sqs:SendMessage', '<Other>'))).toBe(true);
  });

  it('refuses to guess a condition it cannot evaluate', () => {
    const role: Statement[] = [
      {
        effect: 'Allow',
        actions: ['s3:ListBucket'],
        resources: ['<Bucket>'],
        condition: { StringLike: { 's3:prefix': ['documents/*'] } },
      },
    ];
    expect(() => allows(role, need('s3:ListBucket', '<Bucket>'))).toThrow(/cannot evaluate/);
  });

  it('follows a reference into the other stack through its export, to the logical ID', () => {
    const model = new StackModel(
      new Map([
        [
          'State',
          {
            Resources: { HeraldTable: { Type: 'AWS::DynamoDB::GlobalTable' } },
            Outputs: {
              TableArn: {
                Value: { 'Fn::GetAtt': ['HeraldTable', 'Arn'] },
                Export: { Name: 'State:TableArn' },
              },
            },
          },
        ],
        ['App', { Resources: {} }],
      ] as Array<[string, CfnTemplate]>),
      { region: 'eu-west-1', account: '111122223333' },
    );
    expect(
      model.resolve({ 'Fn::Join': ['', [{ 'Fn::ImportValue': 'State:TableArn' }, '/index/*']] }, 'App'),
    ).toBe('<HeraldTable>/index/*');
    expect(
      model.resolve(
        {
          'Fn::Join': [
            ':',
            ['arn', { Ref: 'AWS::Partition' }, 'ses', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }],
          ],
        },
        'App',
      ),
    ).toBe('arn:aws:ses:eu-west-1:111122223333');
    expect(() => model.resolve({ 'Fn::ImportValue': 'State:Missing' }, 'App')).toThrow(/no stack exports/);
  });
});
