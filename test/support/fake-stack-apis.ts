import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A deployed stack as CloudFormation describes it: its name and outputs. */
export interface FakeStack {
  readonly name: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/** A production SES account at the starting limits of a new one out of the sandbox. */
const SES_ACCOUNT = {
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  EnforcementStatus: 'HEALTHY',
  SendQuota: { Max24HourSend: 50_000, MaxSendRate: 14, SentLast24Hours: 0 },
};

const xml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return text;
}

/**
 * CloudFormation's `DescribeStacks` (the query protocol), Secrets Manager's `GetSecretValue` (JSON
 * 1.1) and SES v2's `GetAccount`, on one local port, for the CLI's `HERALD_STACK=aws` path: the real SDK clients talk to it over
 * HTTP (`AWS_ENDPOINT_URL_CLOUDFORMATION`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`). Records every call.
 */
export async function startFakeStackApis(
  stacks: readonly FakeStack[],
  secrets: Readonly<Record<string, string>>,
): Promise<{ url: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const server: Server = createServer(async (request, response) => {
    const text = await body(request);
    const target = request.headers['x-amz-target'];
    if (request.method === 'GET' && request.url === '/v2/email/account') {
      // SES v2 GetAccount, which the senders read at cold start for the account's rate and quota.
      calls.push('GetAccount');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(SES_ACCOUNT));
      return;
    }
    if (target === 'secretsmanager.GetSecretValue') {
      const { SecretId } = JSON.parse(text) as { SecretId: string };
      calls.push(`GetSecretValue ${SecretId}`);
      const value = Object.hasOwn(secrets, SecretId) ? secrets[SecretId] : undefined;
      response.writeHead(value === undefined ? 400 : 200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify(
          value === undefined
            ? {
                __type: 'ResourceNotFoundException',
                message: "Secrets Manager can't find the specified secret.",
              }
            : { ARN: SecretId, Name: SecretId, SecretString: value, VersionId: 'v1' },
        ),
      );
      return;
    }
    const form = new URLSearchParams(text);
    const name = form.get('StackName') ?? '';
    calls.push(`${form.get('Action')} ${name}`);
    const stack = stacks.find((s) => s.name === name);
    response.writeHead(stack ? 200 : 400, { 'content-type': 'text/xml' });
    if (!stack) {
      response.end(
        `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xml(name)} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
      return;
    }
    const outputs = Object.entries(stack.outputs)
      .map(
        ([key, value]) =>
          `<member><OutputKey>${xml(key)}</OutputKey><OutputValue>${xml(value)}</OutputValue></member>`,
      )
      .join('');
    response.end(
      `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member><StackName>${xml(stack.name)}</StackName><StackId>arn:aws:cloudformation:eu-west-1:111122223333:stack/${xml(stack.name)}/1</StackId><CreationTime>2026-01-01T00:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus><Outputs>${outputs}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
