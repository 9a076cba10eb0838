import { App } from 'aws-cdk-lib';
import { readHeraldConfig } from './config.ts';
import { buildHerald } from './herald-app.ts';

// The only place that reads context or the environment.
const app = new App();
const config = readHeraldConfig(app.node.tryGetContext('herald'));
buildHerald(app, app.node.tryGetContext('stackName') ?? 'Herald', config, {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: process.env.CDK_DEFAULT_REGION,
});
