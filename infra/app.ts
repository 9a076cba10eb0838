import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_STACK_NAME } from '#config/stack-outputs.ts';
import { readHeraldConfig } from './config.ts';
import { buildHerald } from './herald-app.ts';

// The only place that reads context or the environment.
const app = new App();
// Every synth runs the AWS Solutions checks; accepted findings are listed, with reasons, in nag.ts.
Aspects.of(app).add(new AwsSolutionsChecks());
const config = readHeraldConfig(app.node.tryGetContext('herald'));
buildHerald(app, app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME, config, {
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: process.env.CDK_DEFAULT_REGION,
});
