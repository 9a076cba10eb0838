import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { readHeraldConfig } from '#infra/config.ts';
import { buildHerald } from '#infra/herald-app.ts';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing that is not acknowledged with a reason, in either stack', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const config = readHeraldConfig({
      fromAddress: 'Press <news@example.org>',
      sesIdentity: 'example.org',
      alarmEmail: 'ops@example.org',
    });
    const { state, stack } = buildHerald(app, 'Nag', config, {
      account: '111122223333',
      region: 'eu-west-1',
    });
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    for (const checked of [state, stack]) {
      const annotations = Annotations.fromStack(checked);
      const findings = [
        ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
      expect(findings, checked.stackName).toEqual([]);
    }
  });
});
