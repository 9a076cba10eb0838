import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedCall } from '#adapters/call-record.ts';
import { readHeraldConfig } from '#infra/config.ts';
import { HANDLER_METADATA } from '#infra/constructs/herald-function.ts';
import { buildHerald } from '#infra/herald-app.ts';
import { needsOf } from '../support/aws-call-needs.ts';
import { testApp } from '../support/cdk-app.ts';
import {
  allows,
  type CfnTemplate,
  exercises,
  type Need,
  StackModel,
  type Statement,
} from '../support/iam-policy.ts';

/**
 * Every AWS call each function made across this run's integration and browser tests, and at the cold
 * starts of test/infra/function-environment.test.ts (its keys from Secrets Manager, as on AWS) (recorded by
 * `#adapters/call-record.ts` under HERALD_RECORD_AWS_CALLS), held to the IAM role CDK gives that
 * function: the action, and the resource by the logical ID the role's policy refers to. A grant that is
 * missing fails here with the function, the action and the resource — before a deploy answers AccessDenied.
 */
const RECORDS = process.env.HERALD_RECORD_AWS_CALLS ?? '';
/** Served by the local stack only: no function on AWS, so no role. */
const LOCAL_ONLY = new Set(['preview']);
const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';

function recordedCalls(): RecordedCall[] {
  if (!RECORDS || !existsSync(RECORDS)) return [];
  const lines = readdirSync(RECORDS)
    .filter((file) => file.endsWith('.jsonl'))
    .flatMap((file) => readFileSync(path.join(RECORDS, file), 'utf8').split('\n'))
    .filter(Boolean);
  return [...new Set(lines)].map((line) => JSON.parse(line) as RecordedCall);
}

interface DeployedFunction {
  readonly id: string;
  readonly statements: Statement[];
  readonly environment: ReadonlyMap<string, string>;
  /** The queue its event source mapping reads (Lambda, not the code, receives and deletes there). */
  readonly eventSource: string | undefined;
}

const calls = recordedCalls();
// Under `npm test` the integration suite runs first and records; a file run on its own has nothing to read.
const recorded = calls.length > 0 || process.env.npm_lifecycle_event === 'test';
if (!recorded)
  console.log(
    'IAM proof skipped: no recorded calls. It reads what the integration suite records: run `npm test`, or `npx vitest run --project integration --project proof`.',
  );

describe.runIf(recorded)("every AWS call a function makes is allowed by that function's role", () => {
  const functions = new Map<string, DeployedFunction>();
  const unused: string[] = [];
  let model: StackModel;

  beforeAll(() => {
    const { stack, state } = buildHerald(
      testApp(),
      'Test',
      readHeraldConfig({ fromAddress: 'Press <news@example.org>', sesIdentity: 'example.org' }),
      { account: ACCOUNT, region: REGION },
    );
    model = new StackModel(
      new Map([
        [stack.stackName, Template.fromStack(stack).toJSON() as CfnTemplate],
        [state.stackName, Template.fromStack(state).toJSON() as CfnTemplate],
      ]),
      { region: REGION, account: ACCOUNT },
    );
    const resources = model.resources(stack.stackName);
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const handler = resource.Metadata?.[HANDLER_METADATA];
      if (typeof handler !== 'string') continue;
      const properties = resource.Properties ?? {};
      const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const variables = (properties.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {};
      const mapping = Object.values(resources).find(
        (r) =>
          r.Type === 'AWS::Lambda::EventSourceMapping' &&
          (r.Properties?.FunctionName as { Ref?: string })?.Ref === id,
      );
      functions.set(handler, {
        id,
        statements: model.statementsOf(roleId, stack.stackName),
        environment: new Map(
          Object.entries(variables).map(([name, value]) => [name, model.resolve(value, stack.stackName)]),
        ),
        eventSource: mapping ? model.resolve(mapping.Properties?.EventSourceArn, stack.stackName) : undefined,
      });
    }
  });

  /** What the function's calls need of its role; a call the proof cannot place is a problem of its own. */
  const needsFor = (fn: string, deployed: DeployedFunction, problems: string[]): Need[] =>
    calls
      .filter((call) => call.fn === fn)
      .flatMap((call) => {
        try {
          return needsOf(call, {
            environment: deployed.environment,
            region: REGION,
            account: ACCOUNT,
            resource: (value) => {
              const variable =
                typeof value === 'string' && value.startsWith('$') ? value.slice(1) : undefined;
              const resolved = variable ? deployed.environment.get(variable) : undefined;
              if (resolved === undefined)
                throw new Error(
                  `${fn} called ${call.command} on ${JSON.stringify(value)}, which its synthesized environment does not name${variable ? ` (no ${variable})` : ''}`,
                );
              return resolved;
            },
          });
        } catch (error) {
          problems.push((error as Error).message);
          return [];
        }
      });

  it('records calls from every function the suite drives, each one a function CDK deploys', () => {
    const callers = new Set(calls.map((call) => call.fn));
    for (const fn of ['ingest', 'sender', 'scheduled-digest', 'public-mail', 'subscribe', 'ses-events'])
      expect(callers, `no calls recorded for ${fn}`).toContain(fn);
    for (const fn of callers)
      if (!LOCAL_ONLY.has(fn)) expect(functions.has(fn), `${fn} has no function in the CDK app`).toBe(true);
  });

  it("allows each function's calls: the action, on the resource its environment names, for the partitions it touches", () => {
    const missing: string[] = [];
    for (const [fn, deployed] of functions) {
      const needs = needsFor(fn, deployed, missing);
      for (const need of needs)
        if (!allows(deployed.statements, need))
          missing.push(
            `${fn} (${deployed.id}): ${need.action} on ${need.resource}${need.leadingKeys ? ` for partitions [${need.leadingKeys.join(', ')}]` : ''} — ${need.because}`,
          );
      collectUnused(fn, deployed, needs);
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  function collectUnused(fn: string, deployed: DeployedFunction, needs: readonly Need[]) {
    const byResource = new Map<string, string[]>();
    for (const statement of deployed.statements) {
      if (statement.effect !== 'Allow') continue;
      for (const action of statement.actions) {
        // The Lambda runtime writes logs and traces; the event source mapping receives and deletes.
        if (/^(logs|xray):/.test(action)) continue;
        for (const resource of statement.resources) {
          if (resource === deployed.eventSource && action.startsWith('sqs:')) continue;
          if (exercises(statement, action, resource, needs)) continue;
          const actions = byResource.get(resource) ?? [];
          if (!actions.includes(action)) actions.push(action);
          byResource.set(resource, actions);
        }
      }
    }
    for (const [resource, actions] of byResource) unused.push(`${fn}: ${actions.join(', ')} on ${resource}`);
  }

  afterAll(() => {
    if (unused.length > 0)
      console.log(`Granted, never exercised by the suite (candidates to trim):\n  ${unused.join('\n  ')}`);
  });
});
