import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Where the functions' AWS calls are recorded during a run, for the IAM proof (test/proof/iam.test.ts). */
// One folder per run (two runs in one checkout do not mix); the global setup clears those of finished runs.
process.env.HERALD_RECORD_AWS_CALLS ??= fileURLToPath(
  new URL(`./test-artifacts/aws-calls/run-${process.pid}`, import.meta.url),
);
const AWS_CALLS = process.env.HERALD_RECORD_AWS_CALLS;

export default defineConfig({
  test: {
    globalSetup: ['test/support/record-calls-setup.ts'],
    env: {
      HERALD_RECORD_AWS_CALLS: AWS_CALLS,
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      // Metrics are CloudWatch's business; in tests their lines only bury the report.
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own embedded stack; two at a time fit a 2-core machine.
          maxWorkers: 2,
          execArgv: ['--openssl-legacy-provider'],
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          hookTimeout: 120_000,
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 3 },
        },
      },
      {
        extends: true,
        // After everything that starts a local stack: it reads the calls they recorded.
        test: {
          name: 'proof',
          include: ['test/proof/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          sequence: { groupOrder: 4 },
        },
      },
    ],
  },
});
