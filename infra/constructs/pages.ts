import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { FunctionEnvironment } from '#config/contract/environment.ts';
import { objectsUnder, S3_PREFIXES } from '#config/contract/storage.ts';
import { HeraldFunction } from './herald-function.ts';
import { pageFunction } from './public-pages.ts';
import { grantPartitions } from './table-access.ts';

export interface PagesProps {
  readonly table: ITableV2;
  readonly bucket: IBucket;
  readonly environment: FunctionEnvironment;
}

/**
 * The public pages that know no reader: the home page, the neutral web versions of articles and
 * digests, and each language's archive and feed; and the proof-of-work widget script the forms load.
 */
export class Pages extends Construct {
  readonly functions: Readonly<
    Record<'home' | 'article' | 'digest-page' | 'archive' | 'assets', HeraldFunction>
  >;

  constructor(scope: Construct, id: string, props: PagesProps) {
    super(scope, id);
    const page = (name: string, entry: 'home' | 'article' | 'digest-page' | 'archive', description: string) =>
      pageFunction(this, name, entry, description, props.environment);
    const home = page('Home', 'home', 'Herald: the home page, the latest articles in six languages');
    const article = page('Article', 'article', 'Herald: the web version of an article');
    const digest = page('Digest', 'digest-page', 'Herald: the web version of a digest');
    const archive = page('Archive', 'archive', 'Herald: the archive of a language');
    const assets = new HeraldFunction(this, 'Assets', {
      handler: 'assets',
      description: 'Herald: the proof-of-work widget script',
      withWidget: true,
    });
    this.functions = { home, article, 'digest-page': digest, archive, assets };

    const { table, bucket } = props;
    grantPartitions(table, article, { read: ['articles'] });
    grantPartitions(table, archive, { read: ['archive'] });
    grantPartitions(table, home, { read: ['archive'] });
    grantPartitions(table, digest, { read: ['articles'] });
    bucket.grantRead(digest, objectsUnder(S3_PREFIXES.digests));
    bucket.grantRead(article, objectsUnder(S3_PREFIXES.articleBodies));
  }
}
