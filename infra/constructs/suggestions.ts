import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import type { HeraldFunction } from './herald-function.ts';
import { type ReaderAccess, readerFunction } from './public-pages.ts';
import { grantPartitions } from './table-access.ts';

export interface SuggestionsProps {
  readonly table: ITableV2;
  readonly access: ReaderAccess;
  readonly environment: FunctionEnvironment;
}

/** A reader suggests an article to a friend (behind a proof of work); the friend may refuse any more. */
export class Suggestions extends Construct {
  readonly functions: Readonly<Record<'suggest' | 'suggestions-stop', HeraldFunction>>;

  constructor(scope: Construct, id: string, props: SuggestionsProps) {
    super(scope, id);
    const suggest = readerFunction(
      this,
      'Suggest',
      'suggest',
      'Herald: suggest an article to a friend',
      props,
    );
    const stop = readerFunction(
      this,
      'SuggestionsStop',
      'suggestions-stop',
      'Herald: no more suggestions',
      props,
    );
    this.functions = { suggest, 'suggestions-stop': stop };
    // The suggestion itself is mailed by the public-mail worker: the page only queues it.
    props.access.publicMail.grantSendMessages(suggest);
    grantPartitions(props.table, suggest, { read: ['articles'], write: ['limits', 'proofs'] });
    grantPartitions(props.table, stop, { write: ['noSuggestions'] });
  }
}
