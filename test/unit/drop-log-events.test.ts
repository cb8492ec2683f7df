import { describe, expect, it } from 'vitest';
import { CatchUpWatch } from '../../src/application/catch-up-watch.ts';
import { SellOutAnnouncer } from '../../src/application/issue/sell-out-announcer.ts';
import type { CampaignId } from '../../src/domain/ids.ts';
import { CapturingLogger } from '../support/test-logger.ts';

const lines = (logger: CapturingLogger) =>
  logger.at('info').map((entry) => [entry.message, entry.context]);

describe('what the log says at info during a drop', () => {
  it('a sell-out, once, with the time since the first grant; again after more grants', () => {
    const logger = new CapturingLogger();
    let now = 1_000;
    const announcer = new SellOutAnnouncer(logger, () => now);
    const campaign = 'drop' as CampaignId;

    announcer.granted(campaign);
    now = 1_250;
    announcer.granted(campaign);
    announcer.soldOut(campaign);
    announcer.soldOut(campaign);
    expect(lines(logger)).toEqual([
      ['campaign sold out', { campaignId: campaign, afterFirstGrantMs: 250 }],
    ]);

    // A returned unit is granted: the next sell-out is news again.
    now = 5_000;
    announcer.granted(campaign);
    now = 5_010;
    announcer.soldOut(campaign);
    expect(lines(logger)).toHaveLength(2);
    expect(lines(logger)[1]).toEqual([
      'campaign sold out',
      { campaignId: campaign, afterFirstGrantMs: 10 },
    ]);
  });

  it('a worker behind for a while, once, then caught up with how long it took', () => {
    const logger = new CapturingLogger();
    let now = 0;
    const watch = new CatchUpWatch('relay', logger, 5_000, () => now);

    watch.observe(true);
    now = 4_999;
    watch.observe(true);
    expect(lines(logger)).toEqual([]);
    now = 5_000;
    watch.observe(true, { depth: 90_000 });
    now = 6_000;
    watch.observe(true);
    now = 9_000;
    watch.observe(false);

    expect(lines(logger)).toEqual([
      ['relay is behind', { worker: 'relay', behindForMs: 5_000, depth: 90_000 }],
      ['relay caught up', { worker: 'relay', tookMs: 9_000 }],
    ]);
  });

  it('a short burst is no news: behind for less than the threshold says nothing', () => {
    const logger = new CapturingLogger();
    let now = 0;
    const watch = new CatchUpWatch('consumer', logger, 5_000, () => now);
    watch.observe(true);
    now = 3_000;
    watch.observe(false);
    expect(lines(logger)).toEqual([]);
  });
});
