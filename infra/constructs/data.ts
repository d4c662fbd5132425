import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MIGRATION_PREFIX } from '../../functions/adapters/dynamodb/keys';
import { GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/table-schema';
import { IDENTITY_KEY, SigningKey } from './signing-key';

/** Item-level DynamoDB actions the functions' adapters call (see functions/adapters/dynamodb). */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem' | 'Query';

/**
 * Actions over many items at once, which only the console's adapters call: batch reads of
 * enrolments and suppressions, batch deletes of an erased lead's items, and the scan for their
 * opt-in tokens (functions/adapters/dynamodb/lead-directory.ts, enrolment-index.ts).
 */
export type BulkAction = 'BatchGetItem' | 'BatchWriteItem' | 'Scan';

export type IndexName = (typeof GLOBAL_INDEXES)[number]['name'];

/**
 * Partition key prefix of a sequence's items: its published pointer, drafts and versions
 * (`SEQUENCE#<id>`, functions/adapters/dynamodb/published-sequences.ts and sequence-versions.ts).
 */
export const SEQUENCE_PARTITION_PREFIX = 'SEQUENCE#';

/**
 * The single table for leads, consents, enrolments, send records, suppressions, counters and
 * sequences. Its keys and indexes come from the schema module the adapters and the local
 * runtime use, so the three cannot drift.
 */
/** Partitions read to derive or resolve lead ids and suppression hashes (see LeadData.grantIdentity). */
export const IDENTITY_READ_PREFIXES = ['LEAD#', 'SUPPRESSION#', MIGRATION_PREFIX];

/** How far back point-in-time recovery reaches (DynamoDB's most, 35 days). */
export const PITR_RECOVERY_DAYS = 35;

export class LeadData extends Construct {
  readonly table: dynamodb.Table;
  /**
   * Keys the table's lead ids and suppression hashes (keyed HMACs of the address), so an id in
   * a log, a link or a URL does not confirm a guessed address. Functions get its ARN only.
   */
  readonly identityKey: SigningKey;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      // Traffic is small and bursty (campaigns): on-demand costs nothing while idle.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Continuous backups keep every item, an erased person's too, for this long (README).
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: PITR_RECOVERY_DAYS },
      // AWS-managed key (aws/dynamodb) rather than the default AWS-owned one, so every use of
      // the key shows in CloudTrail. A customer-managed key would add key-policy control and
      // crypto-shredding, at a monthly key cost plus kms:* grants on every function; nothing
      // here needs those yet, and TableEncryption.CUSTOMER_MANAGED is a one-line change.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // Read by the outgoing-webhook events consumer (infra/constructs/outgoing-webhooks.ts).
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      // Leads and consent records are the practice's evidence of consent: never lost with a
      // stack, and not deletable by mistake from the console either.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    this.identityKey = new SigningKey(this, 'IdentityKey', IDENTITY_KEY);

    for (const index of GLOBAL_INDEXES) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        // Readers (dispatcher, console lists) need the whole item; projecting all of it
        // saves a second read per item, and only the few items carrying the keys are copied.
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
  }

  /**
   * Exactly the listed actions, on the table's own items only: no index, no Scan, no batch
   * actions, no DescribeTable (narrower than `grantWriteData` and `grantReadData`, which add
   * those and a `<table>/index/*` resource). Query here is a key-condition read of the base table
   * (one lead's items); queries on an index need `grantIndexQuery`. TransactWriteItems needs no
   * action of its own: IAM checks each Put, Update or Delete in it against these.
   */
  grantItemActions(grantee: iam.IGrantable, ...actions: ItemAction[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: actions.map((action) => `dynamodb:${action}`),
      resourceArns: [this.table.tableArn],
    });
  }

  /**
   * The listed actions on the items of the sequence partitions only (`SEQUENCE#<id>`: published
   * pointer, drafts, versions), through the `dynamodb:LeadingKeys` condition: a function that
   * only reads which version is published, or stores the versions it bundles, cannot touch a
   * lead's items with them.
   */
  grantSequenceItemActions(grantee: iam.IGrantable, ...actions: ItemAction[]): iam.Grant {
    return this.grantPartitionItemActions(grantee, [SEQUENCE_PARTITION_PREFIX], ...actions);
  }

  /**
   * The listed actions on the items of the partitions whose key starts with one of `prefixes`
   * (e.g. `LEAD#`, `SEQUENCE#`), through the `dynamodb:LeadingKeys` condition.
   */
  grantPartitionItemActions(grantee: iam.IGrantable, prefixes: string[], ...actions: ItemAction[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: actions.map((action) => `dynamodb:${action}`),
      resourceArns: [this.table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) } },
    });
  }

  /**
   * What a function needs to turn addresses into lead ids and suppression hashes, or an id from
   * a link into today's: the identity key, and GetItem on the partitions in `reads` that it
   * cannot read already. It reads IDENTITY_READ_PREFIXES: the migration marker (once per
   * container) and, before the migration to keyed ids, leads and suppressions under unkeyed ids.
   */
  grantIdentity(grantee: iam.IGrantable, ...reads: string[]): void {
    this.identityKey.secret.grantRead(grantee);
    if (reads.length > 0) this.grantPartitionItemActions(grantee, reads, 'GetItem');
  }

  /** Batch reads and writes, and Scan, on the table: for the console's admin API only. */
  grantBulkActions(grantee: iam.IGrantable, ...actions: BulkAction[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: actions.map((action) => `dynamodb:${action}`),
      resourceArns: [this.table.tableArn],
    });
  }

  /** Query on the named indexes, by their exact ARNs (never `<table>/index/*`). */
  grantIndexQuery(grantee: iam.IGrantable, ...indexes: IndexName[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: indexes.map((index) => this.indexArn(index)),
    });
  }

  indexArn(index: IndexName): string {
    return `${this.table.tableArn}/index/${index}`;
  }
}
