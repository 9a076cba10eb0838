import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';

/** The item-level actions a reader needs, and those a writer needs besides. */
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const WRITE = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/**
 * The key prefixes of Herald's one table (the partition key `pk` starts with one of these): what each
 * function may touch is named by them, so a public page that shows articles can never read a subscriber.
 */
export const PARTITIONS = {
  subscribers: 'SUB#',
  suppressions: 'SUPP#',
  noSuggestions: 'NOSUGGEST#',
  limits: 'RATE#',
  proofs: 'PROOF#',
  articles: 'ART#',
  archive: 'ARCHIVE#',
  digests: 'DIG#',
  digestIndex: 'DIGESTS',
  published: 'PUBLISHED',
  quota: 'QUOTA',
} as const;
export type Partition = keyof typeof PARTITIONS;

const patterns = (partitions: readonly Partition[]) =>
  partitions.map((p) => (PARTITIONS[p].endsWith('#') ? `${PARTITIONS[p]}*` : PARTITIONS[p]));

/**
 * Grants item access to the table scoped by partition-key prefix (`dynamodb:LeadingKeys`): read-only
 * where a function only reads, writes only where it writes, and nothing else — no scans, no indexes,
 * no table administration.
 */
export function grantPartitions(
  table: ITableV2,
  grantee: IGrantable,
  access: { readonly read?: readonly Partition[]; readonly write?: readonly Partition[] },
): void {
  const write = access.write ?? [];
  const read = [...new Set([...(access.read ?? []), ...write])];
  const statement = (actions: string[], partitions: readonly Partition[]) =>
    new PolicyStatement({
      actions,
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns(partitions) } },
    });
  if (read.length > 0) grantee.grantPrincipal.addToPrincipalPolicy(statement(READ, read));
  if (write.length > 0) grantee.grantPrincipal.addToPrincipalPolicy(statement(WRITE, write));
}
