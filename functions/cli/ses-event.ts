import { Argument, Command } from 'commander';
import { stackKind, stackTarget, UsageError } from '#cli/target.ts';
import { lambda } from '#local/lambda.ts';
import { sesEvent } from '#local/ses-event-shapes.ts';

export function sesEventCommand(): Command {
  return new Command('ses-event')
    .description(
      'inject the SES event the configuration set would deliver on AWS (the local SES emulator sends none)',
    )
    .addArgument(new Argument('<kind>', 'what happened').choices(['bounce', 'complaint']))
    .argument('<email>', 'the address it happened to')
    .option('--transient', 'a transient (soft) bounce instead of a permanent one')
    .action(async (kind: 'bounce' | 'complaint', email: string, options: { transient?: boolean }) => {
      if (stackKind() === 'aws')
        throw new UsageError(
          'on AWS, SES publishes bounces and complaints itself: mail bounce@simulator.amazonses.com or complaint@simulator.amazonses.com to see one, or stop mail to an address with "herald subscribers suppress"',
        );
      await stackTarget();
      const { handler } = await lambda('ses-events', () => import('#handlers/ses-events.ts'))();
      const outcome = await handler(
        sesEvent(kind, email, { transient: options.transient, region: process.env.AWS_REGION }),
      );
      console.log(
        `${kind}${options.transient ? ' (transient)' : ''}: ${outcome.action}${outcome.subscriberIds.length ? ` ${outcome.subscriberIds.join(', ')}` : ''}`,
      );
    });
}
