import type { Campaign } from '../../domain/campaign.ts';

/** `2027-01-01 18:00:00 GMT+09:00`: a wall-clock time in the zone, with the zone's offset. */
function inZone(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  const offset = part('timeZoneName') === 'GMT' ? 'GMT+00:00' : part('timeZoneName');
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${offset}`;
}

/** `2 h 5 min`, `45 s`: how long a window lasts, as a person reads it. */
function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/**
 * The window as the preview shows it: when it opens and closes in the operator's zone, and how
 * long it lasts (a drop set for 18:00 in Seoul that opens at 18:00 UTC is a classic mistake).
 * A campaign without startsAt opens when it is published.
 */
export function campaignWindow(campaign: Campaign, timeZone: string) {
  const { startsAt, endsAt } = campaign;
  return {
    opens: startsAt ? inZone(startsAt, timeZone) : 'when published',
    closes: endsAt ? inZone(endsAt, timeZone) : null,
    lasts: startsAt && endsAt ? duration(endsAt.getTime() - startsAt.getTime()) : null,
  };
}
