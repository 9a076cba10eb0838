import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '#config/contract/routes.ts';
import { readHeraldConfig } from '#infra/config.ts';
import { HANDLER_METADATA } from '#infra/constructs/herald-function.ts';
import { buildHerald } from '#infra/herald-app.ts';
import { startHttpServer } from '#local/http-server.ts';
import { webRoutes } from '#local/web-routes.ts';
import { testApp } from '../support/cdk-app.ts';

interface CfnResource {
  readonly Type: string;
  readonly Properties: {
    readonly RouteKey?: string;
    readonly Target?: unknown;
    readonly IntegrationUri?: { readonly 'Fn::GetAtt': readonly [string, string] };
  };
  readonly Metadata?: Readonly<Record<string, string>>;
}

/** Every route of the table as `METHOD /path → entry`. */
const table = HTTP_ROUTES.flatMap((route) =>
  route.methods.map((method) => `${method} ${route.path} → ${route.entry}`),
);

/** A path the route answers: each `{name}` segment filled in. */
const samplePath = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => `some-${name}`);

let template: Template;
beforeAll(() => {
  const { stack } = buildHerald(
    testApp(),
    'Routes',
    readHeraldConfig({ fromAddress: 'Press <news@example.org>', sesIdentity: 'example.org' }),
    { account: '111122223333', region: 'eu-west-1' },
  );
  template = Template.fromStack(stack);
});

describe('the route table', () => {
  it('is what API Gateway routes, each route to the function of its entry, and nothing else', () => {
    const resources = template.toJSON().Resources as Record<string, CfnResource>;
    const deployed = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route')
      .map(({ Properties }) => {
        const integration = JSON.stringify(Properties.Target).match(/"Ref":"([^"]+)"/)?.[1] ?? '';
        const fn = resources[integration]?.Properties.IntegrationUri?.['Fn::GetAtt'][0] ?? '';
        return `${Properties.RouteKey} → ${resources[fn]?.Metadata?.[HANDLER_METADATA]}`;
      });
    expect(deployed.sort()).toEqual([...table].sort());
  });

  it("keeps the HTTP API's logical ID, so its URL (in links already mailed) stays the same", () => {
    expect(Object.keys(template.findResources('AWS::ApiGatewayV2::Api'))).toEqual([
      'SubscriptionApi9E7A2FFA',
    ]);
  });

  describe('is what the local web server routes', () => {
    let server: Awaited<ReturnType<typeof startHttpServer>>;
    beforeAll(async () => {
      // The local routes as they are, each answering with the entry it would run and the event's routeKey.
      const routes = webRoutes().map((route) => ({
        ...route,
        handler: async () => async (event: { routeKey: string }) => ({
          statusCode: 200,
          body: `${event.routeKey} → ${route.entry}`,
        }),
      }));
      server = await startHttpServer('127.0.0.1', 0, routes, (error) => {
        throw error;
      });
    });
    afterAll(() => server?.close());

    it('answers every route of the table with its entry, under the routeKey API Gateway sends', async () => {
      const answered: string[] = [];
      for (const route of HTTP_ROUTES)
        for (const method of route.methods) {
          const response = await fetch(new URL(samplePath(route.path).slice(1), server.url), { method });
          answered.push(await response.text());
        }
      expect(answered).toEqual(table);
    });

    it('answers no method the table does not name, and no path outside it but the preview', async () => {
      expect((await fetch(new URL('my-data', server.url), { method: 'POST' })).status).toBe(405);
      expect((await fetch(new URL('articles/some-id', server.url))).status).toBe(404);
      expect((await fetch(new URL('archive/en/feed.atom/more', server.url))).status).toBe(404);
      expect(await (await fetch(new URL('preview/some-id/en', server.url))).text()).toMatch(/→ preview$/);
    });

    it('answers the CORS preflight of the cross-origin subscribe API, as API Gateway does', async () => {
      const response = await fetch(new URL('api/subscribe', server.url), { method: 'OPTIONS' });
      expect(await response.text()).toBe('OPTIONS /api/subscribe → subscribe');
    });
  });
});
