import { CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';

export interface SubscriptionApiProps {
  readonly table: ITableV2;
  readonly tokenKeys: ISecret;
  /** The public base URL of the pages; the HTTP API's own URL when not given. */
  readonly publicBaseUrl?: string;
  readonly environment: Record<string, string>;
}

/**
 * The public HTTP API and pages: `GET|POST /unsubscribe` (the RFC 8058 one-click endpoint) and
 * `GET /articles/{id}/{lang}` (the neutral web version of an article).
 */
export class SubscriptionApi extends Construct {
  readonly api: HttpApi;
  readonly publicBaseUrl: string;
  readonly unsubscribe: HeraldFunction;
  readonly article: HeraldFunction;

  constructor(scope: Construct, id: string, props: SubscriptionApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Herald public pages and API',
      corsPreflight: { allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST], allowOrigins: [] },
    });
    this.publicBaseUrl = props.publicBaseUrl ?? this.api.apiEndpoint;

    this.unsubscribe = new HeraldFunction(this, 'Unsubscribe', {
      handler: 'unsubscribe',
      description: 'Herald: one-click unsubscribe (RFC 8058) and its page',
      withTemplates: true,
      environment: { ...props.environment, HERALD_TOKEN_KEYS_SECRET_ARN: props.tokenKeys.secretArn },
    });
    props.table.grantReadWriteData(this.unsubscribe);
    props.tokenKeys.grantRead(this.unsubscribe);
    this.api.addRoutes({
      path: '/unsubscribe',
      methods: [HttpMethod.GET, HttpMethod.POST],
      integration: new HttpLambdaIntegration('UnsubscribeIntegration', this.unsubscribe),
    });

    this.article = new HeraldFunction(this, 'Article', {
      handler: 'article',
      description: 'Herald: the web version of an article',
      withTemplates: true,
      environment: { ...props.environment, HERALD_PUBLIC_BASE_URL: this.publicBaseUrl },
    });
    props.table.grantReadData(this.article);
    this.api.addRoutes({
      path: '/articles/{id}/{lang}',
      methods: [HttpMethod.GET],
      integration: new HttpLambdaIntegration('ArticleIntegration', this.article),
    });
  }
}
