import { readFileSync } from 'node:fs';
import { App, type AppProps } from 'aws-cdk-lib';

/** The feature flags and other context of cdk.json, without the deployment's own `herald` settings. */
export function cdkJsonContext(): Record<string, unknown> {
  const { context } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const { herald: _herald, ...flags } = context;
  return flags;
}

/**
 * A CDK app as `cdk synth` makes one (cdk.json's feature flags set), without bundling the functions:
 * the tests read templates, not code.
 */
export function testApp(props: AppProps = {}): App {
  return new App({
    ...props,
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...props.context },
  });
}
