import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Command, Option } from 'commander';
import { localTarget } from '#cli/target.ts';
import { handlerEnvironment } from '#local/environment.ts';

export function digestCommand(): Command {
  const digest = new Command('digest').description('scheduled digests');
  digest
    .command('run')
    .description(
      'run a daily or weekly digest now: articles published since the last one (skipped when none)',
    )
    .addOption(
      new Option('--cadence <cadence>', 'which digest').choices(['daily', 'weekly']).makeOptionMandatory(),
    )
    .option('--function <name>', 'on AWS: the name or ARN of the deployed scheduled-digest function')
    .action(async (options: { cadence: 'daily' | 'weekly'; function?: string }) => {
      if (options.function) {
        const result = await new LambdaClient({}).send(
          new InvokeCommand({
            FunctionName: options.function,
            Payload: JSON.stringify({ cadence: options.cadence }),
          }),
        );
        const body = new TextDecoder().decode(result.Payload);
        if (result.FunctionError) throw new Error(`the function failed: ${body}`);
        report(JSON.parse(body));
        return;
      }
      const target = localTarget();
      Object.assign(process.env, handlerEnvironment(target));
      const { handler } = await import('#handlers/scheduled-digest.ts');
      report(await handler({ cadence: options.cadence }));
    });
  return digest;
}

function report(run: {
  cadence: string;
  articles: number;
  digests: ReadonlyArray<{ digestId: string; lang: string; recipients: number }>;
}) {
  if (run.articles === 0) {
    console.log(`${run.cadence} digest skipped: nothing new since the last one`);
    return;
  }
  console.log(`${run.cadence} digest: ${run.articles} articles`);
  for (const d of run.digests) console.log(`  ${d.digestId}  ${d.lang}  ${d.recipients} recipients`);
}
