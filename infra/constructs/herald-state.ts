import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { S3_PREFIXES } from '#config/contract/storage.ts';

/**
 * What Herald must never lose: the documents bucket, the table (subscribers, articles, digests, the
 * send ledger) and the token-signing keys. All retained when the stack is deleted.
 */
export class HeraldState extends Construct {
  readonly bucket: Bucket;
  readonly table: TableV2;
  readonly tokenKeys: Secret;
  /** Hashes addresses (subscriber ids, suppressions, limits): never rotated, unlike the token keys. */
  readonly addressKey: Secret;

  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    NagSuppressions.addResourceSuppressions(this.accessLogs, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This is the server-access-log bucket itself; logging it into itself would loop.',
      },
    ]);
    this.bucket = new Bucket(this, 'Documents', {
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents-bucket/',
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { noncurrentVersionExpiration: Duration.days(90) },
        { prefix: S3_PREFIXES.quarantine, expiration: Duration.days(180) },
        { prefix: S3_PREFIXES.quarantineReasons, expiration: Duration.days(180) },
        { prefix: S3_PREFIXES.digests, expiration: Duration.days(400) },
      ],
    });

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: 'audience',
          partitionKey: { name: 'audience', type: AttributeType.STRING },
          sortKey: { name: 'pk', type: AttributeType.STRING },
        },
        {
          indexName: 'alsoOriginal',
          partitionKey: { name: 'alsoOriginal', type: AttributeType.STRING },
          sortKey: { name: 'pk', type: AttributeType.STRING },
        },
      ],
    });

    this.tokenKeys = new Secret(this, 'TokenKeys', {
      description:
        'Herald token-signing keys: {"current":"k1","k1":"<secret>"}; add a key and move "current" to rotate',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ current: 'k1' }),
        generateStringKey: 'k1',
        passwordLength: 48,
        excludePunctuation: true,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.addressKey = new Secret(this, 'AddressKey', {
      description:
        'Herald address key: hashes addresses (subscriber ids, suppressions). Never rotate it: suppressed addresses would become mailable again',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
