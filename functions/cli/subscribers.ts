import { Command, Option } from 'commander';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { localTarget } from '#cli/target.ts';
import { LANGUAGES, type Language } from '#core/languages.ts';
import { addConfirmedSubscriber } from '#core/subscriptions/manage.ts';
import { CADENCES, type Cadence } from '#core/subscriptions/subscriber.ts';

export function subscribersCommand(): Command {
  const subscribers = new Command('subscribers').description('manage subscribers');
  subscribers
    .command('add')
    .description('add a subscriber who consented elsewhere (an operator import)')
    .argument('<email>', 'the address')
    .addOption(new Option('--lang <lang>', 'the reader language').choices(LANGUAGES).makeOptionMandatory())
    .addOption(new Option('--cadence <cadence>', 'when they get mail').choices(CADENCES).default('immediate'))
    .option('--also-original', 'also send articles that have no version in their language, in the original')
    .option('--confirmed', 'you hold their consent: add them confirmed, without a confirmation mail')
    .action(
      async (
        email: string,
        options: { lang: Language; cadence: Cadence; confirmed?: boolean; alsoOriginal?: boolean },
      ) => {
        if (!options.confirmed) {
          throw new Error(
            "only operator imports with consent are supported here: pass --confirmed if you hold the reader's consent",
          );
        }
        const target = localTarget();
        const store = new DynamoSubscriberStore(target.table);
        const { subscriber, created } = await addConfirmedSubscriber(
          store,
          {
            email,
            lang: options.lang,
            cadence: options.cadence,
            alsoOriginalLanguage: Boolean(options.alsoOriginal),
            source: 'cli',
          },
          new Date(),
        );
        if (subscriber.status !== 'confirmed') {
          throw new Error(`${subscriber.id} is ${subscriber.status}: it chose to leave and is not re-added`);
        }
        console.log(
          `${created ? 'added' : 'updated'} ${subscriber.id} (${subscriber.lang}, ${subscriber.cadence}, confirmed)`,
        );
      },
    );
  return subscribers;
}
