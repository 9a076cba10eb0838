import type { App, Environment } from 'aws-cdk-lib';
import type { HeraldConfig } from './config.ts';
import { HeraldStack } from './herald-stack.ts';
import { acknowledgeNagFindings } from './nag.ts';
import { HeraldStateStack } from './state-stack.ts';

/** Herald's two stacks: the stateful one (retained, pinned) and the stateless one that uses it. */
export function buildHerald(app: App, name: string, config: HeraldConfig, env?: Environment) {
  const state = new HeraldStateStack(app, `${name}State`, {
    env,
    documentsPrefix: config.documentsPrefix,
    description: 'Herald: documents bucket, table, token keys, ingest queue (retained)',
  });
  const stack = new HeraldStack(app, name, {
    env,
    config,
    state,
    description: 'Herald: functions, API, schedules, alarms',
  });
  stack.addStackDependency(state);
  for (const each of [state, stack]) acknowledgeNagFindings(each);
  return { state, stack };
}
