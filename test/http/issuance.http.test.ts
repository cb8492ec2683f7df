import { beforeEach, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture } from '../support/http-fixture.ts';
import { randomCampaignId, randomUserId, userIds } from '../support/mothers.ts';

const DAY = 86_400_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('HTTP: apply, status and summary', () => {
  let f: HttpFixture;

  beforeEach(() => {
    f = createHttpFixture();
  });

  describe('POST /campaigns/:campaignId/issuances', () => {
    it('201 with status, campaignId, userId, sequence and issuedAt', async () => {
      const campaignId = await f.createCampaign();
      const userId = randomUserId();
      const before = Date.now();

      const response = await f.applyAs(campaignId, userId);

      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        status: 'ISSUED',
        campaignId,
        userId,
        sequence: 1,
        issuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
      });
      expect(Date.parse(response.body.issuedAt ?? '')).toBeGreaterThanOrEqual(before);
    });

    it('gives consecutive sequences to consecutive users', async () => {
      const campaignId = await f.createCampaign();
      const sequences: (number | undefined)[] = [];
      for (const user of userIds(5))
        sequences.push((await f.applyAs(campaignId, user)).body.sequence);
      expect(sequences).toEqual([1, 2, 3, 4, 5]);
    });

    it('accepts application/json with a charset', async () => {
      const campaignId = await f.createCampaign();
      const response = await f.request('POST', `/campaigns/${campaignId}/issuances`, {
        raw: JSON.stringify({ userId: randomUserId() }),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(response.status).toBe(201);
    });

    it('409 ALREADY_ISSUED for the same user again, granting nothing more', async () => {
      const campaignId = await f.createCampaign();
      const userId = randomUserId();
      const first = await f.applyAs(campaignId, userId);

      const response = await f.applyAs(campaignId, userId);

      expect(response.status).toBe(409);
      // The holder's coupon: a retry after a lost 201 learns what the 201 said.
      expect(response.body).toEqual({
        status: 'ALREADY_ISSUED',
        campaignId,
        userId,
        sequence: first.body.sequence,
        issuedAt: first.body.issuedAt,
        error: { code: 'ALREADY_ISSUED', message: expect.any(String) as string },
      });
      expect((await f.summary(campaignId)).body.issued).toBe(1);
    });

    it('410 SOLD_OUT once the stock is gone; a winner still gets 409', async () => {
      const campaignId = await f.createCampaign({ totalQuantity: 2 });
      const [first, second, third] = userIds(3);
      expect((await f.applyAs(campaignId, first!)).status).toBe(201);
      expect((await f.applyAs(campaignId, second!)).status).toBe(201);

      const late = await f.applyAs(campaignId, third!);

      expect(late.status).toBe(410);
      expect(late.body).toMatchObject({
        status: 'SOLD_OUT',
        campaignId,
        userId: third,
        error: { code: 'SOLD_OUT' },
      });
      expect((await f.applyAs(campaignId, first!)).body.error?.code).toBe('ALREADY_ISSUED');
      expect((await f.summary(campaignId)).body).toMatchObject({ issued: 2, remaining: 0 });
    });

    // Outside the window: the campaign's bound, named in the answer, and nothing granted.
    it.each([
      [
        '403 NOT_OPEN with opensAt before the window',
        'NOT_OPEN',
        () => {
          const startsAt = iso(DAY);
          return { campaign: { startsAt }, named: { opensAt: startsAt } };
        },
      ],
      [
        '403 CLOSED with closedAt after the window',
        'CLOSED',
        () => {
          const endsAt = iso(-DAY);
          return { campaign: { startsAt: iso(-2 * DAY), endsAt }, named: { closedAt: endsAt } };
        },
      ],
    ] as const)('%s', async (_title, status, window) => {
      const { campaign, named } = window();
      const campaignId = await f.createCampaign(campaign);
      const userId = randomUserId();

      const response = await f.applyAs(campaignId, userId);

      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        status,
        campaignId,
        userId,
        ...named,
        error: { code: status, message: expect.any(String) as string },
      });
      expect((await f.summary(campaignId)).body.issued).toBe(0);
    });

    it('201 inside a window that is open now', async () => {
      const campaignId = await f.createCampaign({ startsAt: iso(-DAY), endsAt: iso(DAY) });
      expect((await f.applyAs(campaignId, randomUserId())).status).toBe(201);
    });

    it('404 CAMPAIGN_NOT_FOUND for a well-formed id nobody created', async () => {
      const campaignId = randomCampaignId();
      const userId = randomUserId();

      const response = await f.applyAs(campaignId, userId);

      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({
        status: 'CAMPAIGN_NOT_FOUND',
        campaignId,
        userId,
        error: { code: 'CAMPAIGN_NOT_FOUND' },
      });
    });

    it('503 LEDGER_NOT_READY after the ledger lost its data, and issues again once rebuilt', async () => {
      const campaignId = await f.createCampaign({ totalQuantity: 10 });
      const winners = userIds(3);
      for (const user of winners) await f.applyAs(campaignId, user);
      await f.persistAll();

      f.store.wipe();

      const refused = await f.applyAs(campaignId, randomUserId());
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      // A winner's status still comes from MySQL; anyone else's is unknown until reconciled.
      expect((await f.status(campaignId, winners[0]!)).status).toBe(200);
      const status = await f.status(campaignId, randomUserId());
      expect(status.status).toBe(503);
      expect(status.headers.get('retry-after')).toBe('1');
      expect(status.body.error?.code).toBe('LEDGER_NOT_READY');
      expect(refused.body).toMatchObject({
        status: 'LEDGER_NOT_READY',
        error: { code: 'LEDGER_NOT_READY' },
      });
      expect((await f.summary(campaignId)).body).toMatchObject({
        issued: null,
        remaining: null,
        persisted: 3,
        ledgerReady: false,
      });

      expect(f.reconcileRequested).toContain(campaignId);
      expect(await f.useCases.rebuildLedger.execute(campaignId)).toEqual({
        kind: 'rebuilt',
        winners: 3,
        fromRecord: 3,
      });

      expect((await f.applyAs(campaignId, winners[0]!)).status).toBe(409);
      const next = await f.applyAs(campaignId, randomUserId());
      expect(next.status).toBe(201);
      expect(next.body.sequence).toBe(4);
      expect((await f.summary(campaignId)).body).toMatchObject({
        issued: 4,
        remaining: 6,
        ledgerReady: true,
      });
    });

    it('503 LEDGER_UNAVAILABLE with Retry-After when the ledger cannot be reached; never a grant', async () => {
      const campaignId = await f.createCampaign();
      f.ledger.goDown();

      const response = await f.applyAs(campaignId, randomUserId());

      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.body).toEqual({
        error: { code: 'LEDGER_UNAVAILABLE', message: 'the issuance ledger is unavailable' },
      });
      // An outage is expected operations, not a bug: a warning, not an error.
      expect(f.logger.at('error')).toEqual([]);
      expect(f.logger.at('warn').map((e) => e.message)).toEqual(['dependency unavailable']);

      f.ledger.comeBack();
      expect((await f.summary(campaignId)).body.issued).toBe(0);
      expect(f.store.outbox.size).toBe(0);
      expect((await f.applyAs(campaignId, randomUserId())).body.sequence).toBe(1);
    });
  });

  describe('GET /campaigns/:campaignId/issuances/:userId', () => {
    it('NOT_ISSUED for a user who never applied', async () => {
      const campaignId = await f.createCampaign();
      const userId = randomUserId();

      const response = await f.status(campaignId, userId);

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'NOT_ISSUED', campaignId, userId });
    });

    it('NOT_ISSUED for a user who was refused (sold out)', async () => {
      const campaignId = await f.createCampaign({ totalQuantity: 1 });
      const [winner, loser] = userIds(2);
      await f.applyAs(campaignId, winner!);
      expect((await f.applyAs(campaignId, loser!)).status).toBe(410);

      expect((await f.status(campaignId, loser!)).body.status).toBe('NOT_ISSUED');
    });

    it('ISSUED pending (persisted false) until the consumer stored it, then persisted with issuedAt', async () => {
      const campaignId = await f.createCampaign();
      const userId = randomUserId();
      await f.applyAs(campaignId, randomUserId());
      const granted = (await f.applyAs(campaignId, userId)).body;

      const issued = (persisted: boolean) => ({
        status: 'ISSUED',
        campaignId,
        userId,
        sequence: 2,
        persisted,
        issuedAt: granted.issuedAt,
      });

      const pending = await f.status(campaignId, userId);
      expect(pending.status).toBe(200);
      expect(pending.body).toEqual(issued(false));

      await f.persistAll();

      const stored = await f.status(campaignId, userId);
      expect(stored.body).toEqual(issued(true));
    });

    it('404 CAMPAIGN_NOT_FOUND for an unknown campaign', async () => {
      const response = await f.status(randomCampaignId(), randomUserId());
      expect(response.status).toBe(404);
      expect(response.body.error?.code).toBe('CAMPAIGN_NOT_FOUND');
    });

    it('503 LEDGER_UNAVAILABLE when the ledger cannot be reached for a pending coupon', async () => {
      const campaignId = await f.createCampaign();
      const userId = randomUserId();
      await f.applyAs(campaignId, userId);
      f.ledger.goDown();

      const response = await f.status(campaignId, userId);

      expect(response.status).toBe(503);
      expect(response.body.error?.code).toBe('LEDGER_UNAVAILABLE');
    });

    it('still answers ISSUED for a persisted coupon after the ledger lost its data (the durable record wins)', async () => {
      const campaignId = await f.createCampaign();
      const userId = randomUserId();
      await f.applyAs(campaignId, userId);
      await f.persistAll();
      f.store.wipe();

      expect((await f.status(campaignId, userId)).body).toMatchObject({
        status: 'ISSUED',
        persisted: true,
      });
    });

    it('does not answer NOT_ISSUED to a winner whose coupon is still in flight while the ledger lost its data (fail closed)', async () => {
      // The grant reached the event log but not the store yet; then the ledger loses its data.
      const campaignId = await f.createCampaign();
      const userId = randomUserId();
      expect((await f.applyAs(campaignId, userId)).status).toBe(201);
      expect(await f.useCases.relayIssuedCoupons.relayBatch(1000, 0)).toBe(1);
      f.store.wipe();

      const during = await f.status(campaignId, userId);

      // NOT_ISSUED here would be a guess, and a wrong one: the consumer is about to store it.
      expect(during.body.status).not.toBe('NOT_ISSUED');
      expect(during.status).toBe(503);
      expect(during.body.error?.code).toBe('LEDGER_NOT_READY');

      await f.persistAll();
      expect((await f.status(campaignId, userId)).body).toMatchObject({
        status: 'ISSUED',
        persisted: true,
      });
    });
  });

  describe('GET /campaigns/:campaignId', () => {
    it('total, issued, remaining and persisted, with persisted catching up', async () => {
      const startsAt = iso(-DAY);
      const campaignId = await f.createCampaign({ name: 'Drop', totalQuantity: 5, startsAt });
      for (const user of userIds(3)) await f.applyAs(campaignId, user);

      const before = await f.summary(campaignId);
      expect(before.status).toBe(200);
      expect(before.body).toEqual({
        campaignId,
        name: 'Drop',
        state: 'published',
        phase: 'live',
        paused: false,
        eligibility: { kind: 'anyone' },
        totalQuantity: 5,
        perUserLimit: 1,
        startsAt,
        endsAt: null,
        openingShuffleMs: null,
        proofOfWorkDifficulty: null,
        issued: 3,
        revoked: 0,
        returned: 0,
        active: 3,
        remaining: 2,
        persisted: 0,
        ledgerReady: true,
      });

      await f.persistAll();

      expect((await f.summary(campaignId)).body).toMatchObject({
        issued: 3,
        remaining: 2,
        persisted: 3,
      });
    });

    it('404 CAMPAIGN_NOT_FOUND for an unknown campaign', async () => {
      const response = await f.summary(randomCampaignId());
      expect(response.status).toBe(404);
      expect(response.body).toEqual({
        error: { code: 'CAMPAIGN_NOT_FOUND', message: 'no such campaign' },
      });
    });

    it('503 LEDGER_UNAVAILABLE when the ledger cannot be reached', async () => {
      const campaignId = await f.createCampaign();
      f.ledger.goDown();

      const response = await f.summary(campaignId);

      expect(response.status).toBe(503);
      expect(response.body.error?.code).toBe('LEDGER_UNAVAILABLE');
    });
  });
});
