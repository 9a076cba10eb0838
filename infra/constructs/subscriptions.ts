import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import type { HeraldFunction } from './herald-function.ts';
import { type ReaderAccess, readerFunction } from './public-pages.ts';
import { grantPartitions } from './table-access.ts';

export interface SubscriptionsProps {
  readonly table: ITableV2;
  readonly access: ReaderAccess;
  readonly environment: FunctionEnvironment;
}

type SubscriptionEntry = 'unsubscribe' | 'preferences' | 'subscribe' | 'confirm' | 'my-data';

/**
 * A reader's subscription: the subscribe page and API, double opt-in, the preference center, one-click
 * unsubscribe (RFC 8058), and their data downloaded or erased.
 */
export class Subscriptions extends Construct {
  readonly functions: Readonly<Record<SubscriptionEntry, HeraldFunction>>;

  constructor(scope: Construct, id: string, props: SubscriptionsProps) {
    super(scope, id);
    const reader = (name: string, entry: SubscriptionEntry, description: string) =>
      readerFunction(this, name, entry, description, props);
    const unsubscribe = reader(
      'Unsubscribe',
      'unsubscribe',
      'Herald: one-click unsubscribe (RFC 8058) and its page',
    );
    const preferences = reader('Preferences', 'preferences', 'Herald: the preference center');
    const subscribe = reader('Subscribe', 'subscribe', 'Herald: the subscribe page and API');
    const confirm = reader('Confirm', 'confirm', 'Herald: double opt-in confirmation');
    const myData = reader('MyData', 'my-data', 'Herald: download or erase my data');
    this.functions = { unsubscribe, preferences, subscribe, confirm, 'my-data': myData };

    // The pages that cause mail (a confirmation, a welcome, a data link) only queue it.
    for (const fn of [subscribe, confirm, preferences]) props.access.publicMail.grantSendMessages(fn);
    // Each function reaches the table's partitions it uses, and no others (see README: Least privilege).
    const { table } = props;
    grantPartitions(table, unsubscribe, { write: ['subscribers'] });
    grantPartitions(table, preferences, { write: ['subscribers', 'limits'] });
    grantPartitions(table, subscribe, { write: ['limits', 'proofs'] });
    grantPartitions(table, confirm, { write: ['subscribers', 'limits'] });
    // Erasure: the profile, the suppression of its hash, and its rows in the ledger and the receipts.
    grantPartitions(table, myData, {
      read: ['digestIndex', 'published'],
      write: ['subscribers', 'suppressions', 'digests', 'articles'],
    });
  }
}
