import type { Link } from '@opentelemetry/api';
import { COUPON_ATTRIBUTES } from './tracer.ts';
import { parseTraceparent } from './traceparent.ts';

/** One consumed event as the batch span needs it: its trace header and its ids. */
export interface TracedEvent {
  readonly traceparent: string | undefined;
  readonly campaignId: string | undefined;
  readonly userId: string | undefined;
}

/**
 * The batch span's links: one per event that carries a trace, to the publish that delivered it,
 * with the event's campaign and user on the link. A batch holds hundreds of applications and a
 * span has one parent at most, so each application's trace is reached through a link.
 */
export function batchLinks(events: readonly TracedEvent[]): Link[] {
  const links: Link[] = [];
  for (const event of events) {
    const context = parseTraceparent(event.traceparent);
    if (!context) continue;
    links.push({
      context,
      attributes: {
        ...(event.campaignId ? { [COUPON_ATTRIBUTES.campaignId]: event.campaignId } : {}),
        ...(event.userId ? { [COUPON_ATTRIBUTES.userId]: event.userId } : {}),
      },
    });
  }
  return links;
}
