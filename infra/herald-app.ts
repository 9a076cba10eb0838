import type { App, Environment } from 'aws-cdk-lib';
import { stackNames } from '#config/stack-outputs.ts';
import type { HeraldConfig } from './config.ts';
import { HeraldStack } from './herald-stack.ts';
import { acknowledgeNagFindings } from './nag.ts';
import { HeraldStateStack } from './state-stack.ts';

/** Herald's two stacks: the stateful one (retained, pinned) and the stateless one that uses it. */
export function buildHerald(app: App, name: string, config: HeraldConfig, env?: Environment) {
  const names = stackNames(name);
  const state = new HeraldStateStack(app, names.state, {
    env,
    documentsPrefix: config.documentsPrefix,
    description: 'Herald: documents bucket, table, token keys, ingest queue (retained)',
  });
  const stack = new HeraldStack(app, names.app, {
    env,
    config,
    state,
    description: 'Herald: functions, API, schedules, alarms',
  });
  stack.addStackDependency(state);
  for (const each of [state, stack]) acknowledgeNagFindings(each);
  return { state, stack };
}
