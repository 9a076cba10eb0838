import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * What the Powertools tracer costs on the sender's per-recipient path: CPU milliseconds per SendEmail
 * with the SES client captured (a subsegment per call, as on AWS with X-Ray active) and without.
 */
export async function tracerCost() {
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"MessageId":"m"}'));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  const side = async (traced: boolean) => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./tracer-run.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          TRACED: traced ? '1' : '0',
          AWS_ENDPOINT_URL_SESV2: endpoint,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'x',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_LAMBDA_FUNCTION_NAME: 'herald-bench',
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
          LAMBDA_TASK_ROOT: '/tmp',
          _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
          AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2999',
          AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
          POWERTOOLS_TRACE_ENABLED: 'true',
        },
      },
    );
    return JSON.parse(stdout) as { cpuMsPerCall: number; tracing: boolean };
  };
  try {
    const results = { plain: [] as number[], traced: [] as number[] };
    for (let i = 0; i < 3; i++) {
      results.plain.push((await side(false)).cpuMsPerCall);
      const traced = await side(true);
      if (!traced.tracing) throw new Error('the tracer did not think it was in Lambda');
      results.traced.push(traced.cpuMsPerCall);
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[1]!;
    const plain = median(results.plain);
    const traced = median(results.traced);
    return {
      scenario: 'tracer',
      cpuMsPerSendPlain: Number(plain.toFixed(3)),
      cpuMsPerSendTraced: Number(traced.toFixed(3)),
      tracedCostsMoreBy: `${Math.round((traced / plain - 1) * 100)} %`,
    };
  } finally {
    sink.close();
  }
}
