import { RemovalPolicy } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';
import { grantPartitions } from './table-access.ts';

export interface SubscriptionApiProps {
  readonly table: ITableV2;
  readonly bucket: IBucket;
  readonly tokenKeys: ISecret;
  readonly addressKey: ISecret;
  /** The public base URL of the pages; the HTTP API's own URL when not given. */
  readonly publicBaseUrl?: string;
  /** Requests per second over the whole API, and the burst above it. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Origins whose pages may post the subscribe API (the embeddable form). */
  readonly corsOrigins: readonly string[];
  /** Where the pages queue the mails the public causes (they send none themselves). */
  readonly publicMail: IQueue;
  readonly environment: Record<string, string>;
}

/**
 * The public HTTP API and pages: `GET|POST /unsubscribe` (RFC 8058 one-click), `GET|POST /preferences`,
 * the neutral web versions `GET /articles/{id}/{lang}` and `GET /digests/{id}`, and `GET /archive/{lang}`.
 */
export class SubscriptionApi extends Construct {
  readonly api: HttpApi;
  readonly publicBaseUrl: string;
  readonly functions: Record<
    | 'unsubscribe'
    | 'preferences'
    | 'subscribe'
    | 'confirm'
    | 'myData'
    | 'article'
    | 'home'
    | 'digest'
    | 'archive'
    | 'suggest'
    | 'suggestionsStop'
    | 'assets',
    HeraldFunction
  >;

  constructor(scope: Construct, id: string, props: SubscriptionApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Herald public pages and API',
      corsPreflight: {
        allowMethods: [CorsHttpMethod.POST],
        allowOrigins: [...props.corsOrigins],
        allowHeaders: ['content-type'],
      },
    });
    this.publicBaseUrl = props.publicBaseUrl ?? this.api.apiEndpoint;
    // Access logs (no query strings: they hold tokens) and a throttle on every route of the default stage.
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const stage = this.api.defaultStage!.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        method: '$context.httpMethod',
        path: '$context.path',
        status: '$context.status',
        latencyMs: '$context.responseLatency',
      }),
    };
    stage.defaultRouteSettings = {
      throttlingRateLimit: props.throttle.rateLimit,
      throttlingBurstLimit: props.throttle.burstLimit,
    };
    const environment = { ...props.environment, HERALD_PUBLIC_BASE_URL: this.publicBaseUrl };

    const route = (
      name: string,
      handler: string,
      description: string,
      path: string,
      methods: HttpMethod[],
      extra = {},
    ) => {
      const fn = new HeraldFunction(this, name, {
        handler,
        description,
        withTemplates: true,
        environment: { ...environment, ...extra },
      });
      this.api.addRoutes({ path, methods, integration: new HttpLambdaIntegration(`${name}Integration`, fn) });
      return fn;
    };
    const tokens = {
      HERALD_TOKEN_KEYS_SECRET_ARN: props.tokenKeys.secretArn,
      HERALD_ADDRESS_KEY_SECRET_ARN: props.addressKey.secretArn,
      HERALD_PUBLIC_MAIL_QUEUE_URL: props.publicMail.queueUrl,
      HERALD_CORS_ORIGINS: props.corsOrigins.join(','),
    };
    this.functions = {
      unsubscribe: route(
        'Unsubscribe',
        'unsubscribe',
        'Herald: one-click unsubscribe (RFC 8058) and its page',
        '/unsubscribe',
        [HttpMethod.GET, HttpMethod.POST],
        tokens,
      ),
      preferences: route(
        'Preferences',
        'preferences',
        'Herald: the preference center',
        '/preferences',
        [HttpMethod.GET, HttpMethod.POST],
        tokens,
      ),
      subscribe: route(
        'Subscribe',
        'subscribe',
        'Herald: the subscribe page and API',
        '/subscribe',
        [HttpMethod.GET, HttpMethod.POST],
        tokens,
      ),
      confirm: route(
        'Confirm',
        'confirm',
        'Herald: double opt-in confirmation',
        '/confirm',
        [HttpMethod.GET, HttpMethod.POST],
        tokens,
      ),
      myData: route(
        'MyData',
        'my-data',
        'Herald: download or erase my data',
        '/my-data',
        [HttpMethod.GET],
        tokens,
      ),
      suggest: route(
        'Suggest',
        'suggest',
        'Herald: suggest an article to a friend',
        '/api/suggest',
        [HttpMethod.POST],
        tokens,
      ),
      suggestionsStop: route(
        'SuggestionsStop',
        'suggestions-stop',
        'Herald: no more suggestions',
        '/suggestions/stop',
        [HttpMethod.GET, HttpMethod.POST],
        tokens,
      ),
      assets: new HeraldFunction(this, 'Assets', {
        handler: 'assets',
        description: 'Herald: the proof-of-work widget script',
        withWidget: true,
      }),
      home: route('Home', 'home', 'Herald: the home page, the latest articles in six languages', '/', [
        HttpMethod.GET,
      ]),
      article: route('Article', 'article', 'Herald: the web version of an article', '/articles/{id}/{lang}', [
        HttpMethod.GET,
      ]),
      digest: route('Digest', 'digest-page', 'Herald: the web version of a digest', '/digests/{id}', [
        HttpMethod.GET,
      ]),
      archive: route('Archive', 'archive', 'Herald: the archive of a language', '/archive/{lang}', [
        HttpMethod.GET,
      ]),
    };
    this.api.addRoutes({
      path: '/api/subscribe',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('SubscribeApiIntegration', this.functions.subscribe),
    });
    this.api.addRoutes({
      path: '/erase',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('EraseIntegration', this.functions.myData),
    });
    const extra: Array<[string, HttpMethod[], HeraldFunction]> = [
      ['/api/suggest/challenge', [HttpMethod.GET], this.functions.suggest],
      ['/api/subscribe/challenge', [HttpMethod.GET], this.functions.subscribe],
      ['/assets/altcha.js', [HttpMethod.GET], this.functions.assets],
      ['/archive/{lang}/feed.atom', [HttpMethod.GET], this.functions.archive],
    ];
    for (const [path, methods, fn] of extra) {
      this.api.addRoutes({
        path,
        methods,
        integration: new HttpLambdaIntegration(`${fn.node.id}${path.replace(/\W/g, '')}`, fn),
      });
    }
    const { unsubscribe, preferences, subscribe, confirm, myData, suggest, suggestionsStop } = this.functions;
    for (const fn of [unsubscribe, preferences, subscribe, confirm, myData, suggest, suggestionsStop]) {
      props.tokenKeys.grantRead(fn);
      props.addressKey.grantRead(fn);
    }
    // The pages that cause mail (a confirmation, a welcome, a data link, a suggestion) only queue it.
    for (const fn of [subscribe, confirm, preferences, suggest]) props.publicMail.grantSendMessages(fn);
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
    grantPartitions(table, suggest, { read: ['articles'], write: ['limits', 'proofs'] });
    grantPartitions(table, suggestionsStop, { write: ['noSuggestions'] });
    grantPartitions(table, this.functions.article, { read: ['articles'] });
    grantPartitions(table, this.functions.archive, { read: ['archive'] });
    grantPartitions(table, this.functions.home, { read: ['archive'] });
    grantPartitions(table, this.functions.digest, { read: ['articles'] });
    props.bucket.grantRead(this.functions.digest, 'digests/*');
    props.bucket.grantRead(this.functions.article, 'article-bodies/*');
  }
}
