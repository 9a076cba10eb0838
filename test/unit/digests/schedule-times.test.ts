import { describe, expect, it } from 'vitest';
import { isIanaTimeZone, weekdayIn } from '#core/digests/schedule-times.ts';
import { readHeraldConfig } from '#infra/config.ts';
import { LocalSchedule } from '#local/scheduler.ts';

const context = { fromAddress: 'Press Office <news@example.org>', sesIdentity: 'example.org' };

/** The cadences a local schedule runs when its clock reads each of `instants`. */
async function ran(options: { timeZone: string; weeklyOn: string }, ...instants: string[]) {
  const runs: string[] = [];
  const schedule = new LocalSchedule({
    ...options,
    dailyAt: '08:00',
    run: async (cadence) => {
      runs.push(cadence);
    },
    onError: (error) => {
      throw error;
    },
  });
  for (const instant of instants) schedule.tick(new Date(instant));
  await schedule.stop();
  return runs;
}

describe('the weekly day', () => {
  it('is spelled MON … SUN locally, as in the CDK context', async () => {
    expect(readHeraldConfig({ ...context, weeklyOn: 'TUE' }).weeklyOn).toBe('TUE');
    expect(() => readHeraldConfig({ ...context, weeklyOn: 'tuesday' })).toThrow(/herald\.weeklyOn/);
    // Tuesday 1 December 2026, 09:00 in Paris.
    expect(await ran({ timeZone: 'Europe/Paris', weeklyOn: 'TUE' }, '2026-12-01T08:00:00Z')).toEqual([
      'daily',
      'weekly',
    ]);
  });

  it('refuses a day it does not know, and says the spelling to use', () => {
    const make = (weeklyOn: string) =>
      new LocalSchedule({
        timeZone: 'UTC',
        dailyAt: '08:00',
        weeklyOn,
        run: async () => {},
        onError: () => {},
      });
    expect(() => make('monday')).toThrow('HERALD_WEEKLY_ON is "monday": it must be one of MON, TUE');
    expect(() => make('monday')).toThrow('(MON for monday)');
    expect(() => make('someday')).toThrow(/must be one of MON/);
    expect(() => make('mon')).not.toThrow();
  });

  it("is the publisher's day, not UTC's", async () => {
    // Sunday 6 December 2026, 20:00 UTC is Monday 09:00 in Auckland.
    expect(weekdayIn(new Date('2026-12-06T20:00:00Z'), 'Pacific/Auckland')).toBe('MON');
    expect(await ran({ timeZone: 'Pacific/Auckland', weeklyOn: 'MON' }, '2026-12-06T20:00:00Z')).toEqual([
      'daily',
      'weekly',
    ]);
    expect(await ran({ timeZone: 'UTC', weeklyOn: 'MON' }, '2026-12-06T20:00:00Z')).toEqual(['daily']);
  });
});

describe('the time zone', () => {
  it('is UTC or an IANA name, at synth time and on the local stack alike', () => {
    for (const zone of ['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])
      expect(isIanaTimeZone(zone), zone).toBe(true);
    for (const zone of ['Europe/Pariss', '+01:00', 'CET', 'Paris', '', 'Europe/'])
      expect(isIanaTimeZone(zone), zone).toBe(false);
    expect(() => readHeraldConfig({ ...context, timeZone: 'Europe/Pariss' })).toThrow(
      /herald\.timeZone must be UTC or an IANA time zone name/,
    );
    expect(
      () =>
        new LocalSchedule({
          timeZone: '+01:00',
          dailyAt: '08:00',
          weeklyOn: 'MON',
          run: async () => {},
          onError: () => {},
        }),
    ).toThrow(/HERALD_TIME_ZONE is "\+01:00"/);
  });
});
