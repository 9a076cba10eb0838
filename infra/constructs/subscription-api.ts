import { CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { HeraldFunction } from './herald-function.ts';

export interface SubscriptionApiProps {
  readonly table: ITableV2;
  readonly tokenKeys: ISecret;
  readonly environment: Record<string, string>;
}

/** The public HTTP API: `GET|POST /unsubscribe` (the RFC 8058 one-click endpoint). */
export class SubscriptionApi extends Construct {
  readonly api: HttpApi;
  readonly unsubscribe: HeraldFunction;

  constructor(scope: Construct, id: string, props: SubscriptionApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Herald public pages and API',
      corsPreflight: { allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST], allowOrigins: [] },
    });
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
  }
}
