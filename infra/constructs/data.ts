import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DUE_INDEX, GLOBAL_INDEXES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../functions/adapters/dynamodb/table-schema';

/** Item-level DynamoDB actions the functions' adapters call (see functions/adapters/dynamodb). */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';

/**
 * The single table for leads, consents, enrolments, send records, suppressions, counters and
 * sequences. Its keys and indexes come from the schema module the adapters and the local
 * runtime use, so the three cannot drift.
 */
export class LeadData extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      // Traffic is small and bursty (campaigns): on-demand costs nothing while idle.
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed key (aws/dynamodb) rather than the default AWS-owned one, so every use of
      // the key shows in CloudTrail. A customer-managed key would add key-policy control and
      // crypto-shredding, at a monthly key cost plus kms:* grants on every function; nothing
      // here needs those yet, and TableEncryption.CUSTOMER_MANAGED is a one-line change.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      // Leads and consent records are the practice's evidence of consent: never lost with a
      // stack, and not deletable by mistake from the console either.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });

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
   * Put and update items, on the table only. Narrower than `grantWriteData`, which adds
   * BatchWriteItem, DeleteItem, DescribeTable and a `<table>/index/*` resource that no write
   * can use. TransactWriteItems needs no action of its own: IAM checks each Put and Update in
   * it. A caller that also deletes or uses ConditionCheck needs its own grant for those.
   */
  grantItemWrites(grantee: iam.IGrantable): iam.Grant {
    return this.grantItemActions(grantee, 'PutItem', 'UpdateItem');
  }

  /**
   * Exactly the listed actions, on the table's own items only: no index, no Scan, no batch
   * actions, no DescribeTable. Query here is a key-condition read of the base table (one lead's
   * items); queries on the due index need `grantDueIndexQuery`. TransactWriteItems needs no action
   * of its own: IAM checks each Put, Update or Delete in it against these.
   */
  grantItemActions(grantee: iam.IGrantable, ...actions: ItemAction[]): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: actions.map((action) => `dynamodb:${action}`),
      resourceArns: [this.table.tableArn],
    });
  }

  /** Query on the sparse due index, by its exact ARN: what the dispatcher reads, nothing else. */
  grantDueIndexQuery(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:Query'],
      resourceArns: [this.dueIndexArn],
    });
  }

  get dueIndexArn(): string {
    return `${this.table.tableArn}/index/${DUE_INDEX.name}`;
  }
}
