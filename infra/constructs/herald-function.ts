import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_ENTRIES, type LambdaEntry } from '#config/contract/entries.ts';
import { environmentVariables, type FunctionEnvironment } from '#config/contract/environment.ts';
import { aliasesUnder, BUNDLING, externalsFor, LEAN_RUNTIME, mjmlWorkerCommand } from '../bundling.ts';

/** The template metadata key that names a function's handler module (`functions/handlers/<name>.ts`). */
export const HANDLER_METADATA = 'herald:handler';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface HeraldFunctionProps {
  /** The handler module under functions/handlers, without extension. */
  readonly handler: LambdaEntry;
  readonly description: string;
  /** What its handlers read, by the names and types of `#config/env.ts`. */
  readonly environment?: FunctionEnvironment;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** Copy templates/ into the bundle (for functions that render mail or pages). */
  readonly withTemplates?: boolean;
  /** Copy the ALTCHA widget script into the bundle (for the function that serves it). */
  readonly withWidget?: boolean;
  /** Run Node with a small heap (LEAN_RUNTIME in infra/bundling.ts): for the long, steady sender. */
  readonly lean?: boolean;
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Every Herald Lambda, with every default in one place: the newest Node.js runtime, ARM64, an ESM
 * bundle built by the local esbuild (minified, with source maps, AWS SDK bundled so the deployed code
 * runs the versions that were tested), X-Ray tracing and a log group with retention.
 */
export class HeraldFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HeraldFunctionProps) {
    const extras = LAMBDA_ENTRIES[props.handler];
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A role of its own that may write to its own log group only (no managed policy with logs:* on *).
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    super(scope, id, {
      entry: path.join(PROJECT_ROOT, 'functions/handlers', `${props.handler}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: ['--enable-source-maps', ...(props.lean ? LEAN_RUNTIME.nodeOptions : [])].join(' '),
        ...(props.lean ? LEAN_RUNTIME.environment : {}),
        POWERTOOLS_SERVICE_NAME: 'herald',
        ...environmentVariables({
          HERALD_TEMPLATES_DIR: props.withTemplates ? '/var/task/templates' : undefined,
          HERALD_ASSETS_DIR: props.withWidget ? '/var/task/assets' : undefined,
          ...props.environment,
        }),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: true,
        bundleAwsSDK: true,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        externalModules: externalsFor(extras),
        esbuildArgs: Object.fromEntries(
          Object.entries(aliasesUnder(PROJECT_ROOT, extras)).map(([name, stub]) => [`--alias:${name}`, stub]),
        ),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            ...(props.withTemplates ? [`cp -R "${inputDir}/templates" "${outputDir}/templates"`] : []),
            // The functions that render digests and then plan them compile MJML in a worker beside them.
            ...(extras.mjmlWorker ? [mjmlWorkerCommand(inputDir, outputDir)] : []),
            ...(props.withWidget
              ? [
                  `mkdir -p "${outputDir}/assets"`,
                  `cp "${inputDir}/node_modules/altcha/dist/main/altcha.i18n.min.js" "${outputDir}/assets/"`,
                ]
              : []),
          ],
        },
      },
    });
    // Which handler module this function runs: the IAM proof matches the calls each module makes to this role.
    (this.node.defaultChild as CfnResource).addMetadata(HANDLER_METADATA, props.handler);
  }

  /** Adds to its environment (a value known only once another construct exists), typed as the props are. */
  setEnvironment(environment: FunctionEnvironment): this {
    for (const [name, value] of Object.entries(environmentVariables(environment)))
      this.addEnvironment(name, value);
    return this;
  }
}
