const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A publication date as the publisher's wall-clock time, `YYYY-MM-DDTHH:MM`, or undefined when the
 * value is not a real date. Accepted: `YYYY-MM-DD HH:MM` (the press-release pages), ISO 8601 with or
 * without seconds, a date alone (midnight), and an instant with `Z` or an offset, which is converted to
 * the publisher's time zone.
 */
export function readPublishedDate(value: unknown, timeZone = 'UTC'): string | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return undefined;
    // YAML turns a bare date into midnight UTC: keep it as that calendar date.
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? `${iso.slice(0, 10)}T00:00` : wallClockIn(value, timeZone);
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (WITH_OFFSET.test(text)) {
    const instant = new Date(text.replace(' ', 'T'));
    return Number.isNaN(instant.getTime()) ? undefined : wallClockIn(instant, timeZone);
  }
  const match = WALL_CLOCK.exec(text);
  if (!match) return undefined;
  const [y, mo, d, h = 0, mi = 0] = match
    .slice(1, 6)
    .map((part) => (part === undefined ? undefined : Number(part))) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h, mi));
  const exists =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo! - 1 &&
    date.getUTCDate() === d &&
    h < 24 &&
    mi < 60;
  if (!exists) return undefined;
  return `${match[1]}-${match[2]}-${match[3]}T${match[4] ?? '00'}:${match[5] ?? '00'}`;
}

/** What a wall clock in `timeZone` shows at `instant`, as `YYYY-MM-DDTHH:MM` (24-hour). */
export function wallClockIn(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const asUtc = (wallClock: string) => Date.parse(`${wallClock}:00Z`);

/**
 * The instant at which a publisher's wall clock in `timeZone` showed `wallClock` (`YYYY-MM-DDTHH:MM`):
 * what feeds and machines need, where a wall-clock time with a `Z` would be off by the zone's offset.
 * In the hour a clock goes back or skips, one of the instants around it.
 */
export function instantOf(wallClock: string, timeZone: string): Date {
  const target = asUtc(wallClock);
  let guess = target;
  for (let i = 0; i < 3; i++) {
    const shown = asUtc(wallClockIn(new Date(guess), timeZone));
    if (shown === target) break;
    guess += target - shown;
  }
  return new Date(guess);
}
