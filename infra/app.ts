import { App } from 'aws-cdk-lib';
import { readHeraldConfig } from './config.ts';
import { HeraldStack } from './herald-stack.ts';

// The only place that reads context or the environment.
const app = new App();
const config = readHeraldConfig(app.node.tryGetContext('herald'));
new HeraldStack(app, app.node.tryGetContext('stackName') ?? 'Herald', {
  config,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
