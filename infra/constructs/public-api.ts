import { RemovalPolicy } from 'aws-cdk-lib';
import { type CfnStage, CorsHttpMethod, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { crossOriginMethods, HTTP_ROUTES, type HttpEntry } from '#config/contract/routes.ts';

export interface PublicApiProps {
  /** The public base URL of the pages; the HTTP API's own URL when not given. */
  readonly publicBaseUrl?: string;
  /** Requests per second over the whole API, and the burst above it. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Origins whose pages may post the cross-origin routes (the embeddable subscribe form). */
  readonly corsOrigins: readonly string[];
}

/**
 * The public HTTP API: access logs without query strings (they hold tokens), a throttle on every
 * route, CORS for the cross-origin routes, and each route of the contract's table to its function.
 */
export class PublicApi extends Construct {
  readonly api: HttpApi;
  readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: PublicApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'Herald public pages and API',
      corsPreflight: {
        allowMethods: crossOriginMethods().map((method) => CorsHttpMethod[method]),
        allowOrigins: [...props.corsOrigins],
        allowHeaders: ['content-type'],
      },
    });
    this.publicBaseUrl = props.publicBaseUrl ?? this.api.apiEndpoint;
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
  }

  /** Routes every path of the route table (`#config/contract/routes.ts`) to the function of its entry. */
  route(functions: Readonly<Record<HttpEntry, IFunction>>): void {
    for (const { path, methods, entry } of HTTP_ROUTES) {
      this.api.addRoutes({
        path,
        methods: methods.map((method) => HttpMethod[method]),
        integration: new HttpLambdaIntegration(`Integration${idOf(path)}`, functions[entry]),
      });
    }
  }
}

/** `/archive/{lang}/feed.atom` → `ArchiveLangFeedAtom` (`/` → ``): an ID for the route of a path. */
const idOf = (path: string) =>
  path
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
