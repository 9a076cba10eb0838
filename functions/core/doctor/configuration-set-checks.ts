import type { DoctorAnswers } from '#core/doctor/answers.ts';
import { type DoctorCheck, unanswered } from '#core/doctor/check.ts';

const NEEDED = ['BOUNCE', 'COMPLAINT'] as const;

/** The configuration set the senders name, and its destination for bounces and complaints. */
export function configurationSetChecks(answers: DoctorAnswers): DoctorCheck[] {
  const title = 'Configuration set';
  const events = 'Bounce and complaint events';
  const set = answers.configurationSet;
  if (!set)
    return [
      {
        id: 'configuration-set',
        title,
        status: 'warn',
        found: 'the senders name no configuration set: bounces and complaints never reach Herald',
        fix:
          answers.stack === 'local'
            ? 'set HERALD_SES_CONFIGURATION_SET to the local account’s set (npm start of this version names it)'
            : 'deploy this version (npm run deploy), which creates one and outputs ConfigurationSet, or set HERALD_SES_CONFIGURATION_SET',
      },
      notChecked(events, 'no configuration set is named'),
    ];
  if ('failure' in set.exists) {
    const { failure } = set.exists;
    if (failure.kind !== 'not-found')
      return [
        unanswered('configuration-set', title, failure, answers.stack),
        notChecked(events, `${set.name} could not be read`),
      ];
    return [
      {
        id: 'configuration-set',
        title,
        status: 'fail',
        found: `${set.name} does not exist in ${answers.region}: SES refuses every mail that names it`,
        fix: 'deploy the stack (npm run deploy), which creates it; a context configurationSetName must name an existing one (aws sesv2 list-configuration-sets)',
      },
      notChecked(events, `${set.name} does not exist`),
    ];
  }
  const exists: DoctorCheck = {
    id: 'configuration-set',
    title,
    status: 'ok',
    found: `${set.name} exists in ${answers.region}`,
  };
  if ('failure' in set.destinations)
    return [exists, unanswered('event-destination', events, set.destinations.failure, answers.stack)];
  const destinations = set.destinations.value;
  const sending = destinations.filter((d) => d.enabled && d.toEventBridge);
  const covered = new Set(sending.flatMap((d) => d.matchingEventTypes));
  const missing = NEEDED.filter((type) => !covered.has(type));
  if (missing.length === 0)
    return [
      exists,
      {
        id: 'event-destination',
        title: events,
        status: 'ok',
        found: `${set.name} sends bounces and complaints to EventBridge (${sending.map((d) => d.name).join(', ')})`,
      },
    ];
  const notes: string[] = [];
  for (const d of destinations) {
    if (!d.toEventBridge) notes.push(`${d.name} is not an EventBridge destination`);
    else if (!d.enabled) notes.push(`${d.name} is disabled`);
  }
  const found =
    destinations.length === 0
      ? `${set.name} has no event destination`
      : `${set.name} sends no ${missing.join(' or ')} event to EventBridge${notes.length ? ` (${notes.join('; ')})` : ''}`;
  return [
    exists,
    {
      id: 'event-destination',
      title: events,
      status: 'warn',
      found: `${found}: bounced and complaining addresses are never suppressed, and keep being mailed`,
      fix: `deploy the stack (npm run deploy), whose ToEventBridge destination does this, or SES console → Configuration sets → ${set.name} → Event destinations: an enabled Amazon EventBridge destination for hard bounces and complaints`,
    },
  ];
}

function notChecked(title: string, why: string): DoctorCheck {
  return {
    id: 'event-destination',
    title,
    status: 'warn',
    found: `not checked: ${why}`,
    fix: 'fix the configuration set first (above)',
  };
}
