import { readFileSync } from 'node:fs';
import { Aspects } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { readHeraldConfig } from '#infra/config.ts';
import { buildHerald } from '#infra/herald-app.ts';
import { cdkJsonContext, testApp } from '../support/cdk-app.ts';

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing that is not acknowledged with a reason, in either stack', () => {
    const app = testApp();
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
        // Any warning at all, CDK's own included (a metric period overridden, a deprecated API).
        ...annotations.findWarning('*', Match.anyValue()),
      ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
      expect(findings, checked.stackName).toEqual([]);
    }
  });
});

describe('feature flags', () => {
  it("are set in cdk.json as CDK recommends for a new app (one kept on purpose: strong references to the state stack, which may then not be deleted under the app's feet)", () => {
    const recommended = JSON.parse(
      readFileSync(
        new URL('../../node_modules/aws-cdk-lib/recommended-feature-flags.json', import.meta.url),
        'utf8',
      ),
    ) as Record<string, unknown>;
    const set = cdkJsonContext();
    const unset = Object.keys(recommended).filter((flag) => !Object.hasOwn(set, flag));
    expect(unset).toEqual([]);
    const different = Object.keys(recommended).filter(
      (flag) => JSON.stringify(set[flag]) !== JSON.stringify(recommended[flag]),
    );
    expect(different).toEqual(['@aws-cdk/core:defaultCrossStackReferences']);
    expect(set['@aws-cdk/core:defaultCrossStackReferences']).toBe('strong');
  });
});
