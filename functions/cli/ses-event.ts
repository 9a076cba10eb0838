import { Argument, Command } from 'commander';
import { localKeysEnvironment, localTarget } from '#cli/target.ts';
import { handlerEnvironment } from '#local/environment.ts';
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
      const target = localTarget();
      Object.assign(process.env, handlerEnvironment(target), localKeysEnvironment());
      const { handler } = await import('#handlers/ses-events.ts');
      const outcome = await handler(
        sesEvent(kind, email, { transient: options.transient, region: target.region }),
      );
      console.log(
        `${kind}${options.transient ? ' (transient)' : ''}: ${outcome.action}${outcome.subscriberIds.length ? ` ${outcome.subscriberIds.join(', ')}` : ''}`,
      );
    });
}
