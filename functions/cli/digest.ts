import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { Command, Option } from 'commander';
import { SesMailer } from '#adapters/ses-mailer.ts';
import { planRest } from '#cli/delivery.ts';
import { operatorStores } from '#cli/operator.ts';
import { stackKind, stackTarget } from '#cli/target.ts';
import { sendTestCopy } from '#core/digests/test-copy.ts';
import { normalizeEmail } from '#core/subscriptions/subscriber.ts';
import { lambda } from '#local/lambda.ts';

export function digestCommand(): Command {
  const digest = new Command('digest').description(
    'digests: run a scheduled one now, approve one (approval mode), send a test copy',
  );
  digest
    .command('run')
    .description(
      'run a daily or weekly digest now: articles published since the last one (skipped when none)',
    )
    .addOption(
      new Option('--cadence <cadence>', 'which digest').choices(['daily', 'weekly']).makeOptionMandatory(),
    )
    .option(
      '--function <name>',
      'invoke this deployed scheduled-digest function (with HERALD_STACK=aws: the stack output ScheduledDigestFunction)',
    )
    .action(async (options: { cadence: 'daily' | 'weekly'; function?: string }) => {
      if (options.function || stackKind() === 'aws') {
        const name = options.function ?? (await stackTarget()).setting('HERALD_SCHEDULED_DIGEST_FUNCTION');
        const result = await new LambdaClient({}).send(
          new InvokeCommand({
            FunctionName: name,
            Payload: JSON.stringify({ cadence: options.cadence }),
          }),
        );
        const body = new TextDecoder().decode(result.Payload);
        if (result.FunctionError) throw new Error(`the function failed: ${body}`);
        report(JSON.parse(body));
        return;
      }
      await stackTarget();
      // Locally the CLI runs the function itself, as the scheduled-digest function (its calls are that role's).
      const { handler } = await lambda('scheduled-digest', () => import('#handlers/scheduled-digest.ts'))();
      report(await handler({ cadence: options.cadence }));
    });
  digest
    .command('approve')
    .description('approval mode: let a digest waiting for approval go out (it is planned and sent now)')
    .argument('<digest>', 'the digest id (d_…)')
    .action(async (digestId: string) => {
      const stores = await operatorStores();
      const record = await stores.digests.getRecord(digestId);
      if (!record) throw new Error(`there is no digest ${digestId}: "herald status" lists the digests`);
      if (record.approval !== 'required') console.log(`${digestId} was not waiting for approval`);
      await stores.digests.setApproval(digestId, 'approved', new Date());
      console.log(`${digestId} approved`);
      await planRest(stores, digestId);
    });
  digest
    .command('test')
    .description('send one copy of a digest to ADDRESS (subject marked [Test]) before it goes out')
    .argument('<digest>', 'the digest id (d_…)')
    .requiredOption('--to <address>', 'where the test copy goes')
    .action(async (digestId: string, options: { to: string }) => {
      const to = normalizeEmail(options.to);
      const stores = await operatorStores();
      const { setting } = stores.target;
      const { messageId } = await sendTestCopy(
        {
          digests: stores.digests,
          mailer: new SesMailer(
            stores.target.kind === 'aws' ? setting('HERALD_SES_CONFIGURATION_SET') : undefined,
          ),
        },
        { from: setting('HERALD_FROM_ADDRESS'), publicBaseUrl: setting('HERALD_PUBLIC_BASE_URL') },
        digestId,
        to,
        new Date(),
      );
      console.log(`test copy of ${digestId} sent (SES message ${messageId})`);
    });
  return digest;
}

function report(run: {
  cadence: string;
  articles: number;
  digests: ReadonlyArray<{ digestId: string; lang: string; recipients: number; awaitingApproval?: boolean }>;
}) {
  if (run.articles === 0) {
    console.log(`${run.cadence} digest skipped: nothing new since the last one`);
    return;
  }
  console.log(`${run.cadence} digest: ${run.articles} articles`);
  for (const d of run.digests)
    console.log(
      `  ${d.digestId}  ${d.lang}  ${d.awaitingApproval ? 'awaiting approval (herald digest approve)' : `${d.recipients} recipients`}`,
    );
}
