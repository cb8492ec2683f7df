import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { encodeSolution, solve, type Challenge } from '../../scripts/lib/solve-proof.ts';
import { type E2eProcess, standaloneLedger, useE2eSystem } from '../support/e2e-harness.ts';
import { converge, expectSound, judge, report } from '../support/e2e-guarantees.ts';
import { fire, StampedeOutcome, type Answer } from '../support/e2e-stampede.ts';
import { waitFor } from '../support/e2e-wait.ts';

const DIFFICULTY = 2_000;
const CAP = 40;
const VALID = 50;
/** Solutions each sent by REPLAYS concurrent applications (of different users, on both apis). */
const REPLAYED = 10;
const REPLAYS = 4;
const WRONG = 10;
const EXPIRED = 10;
const MISSING = 20;

/** One application of the mix: who, with which header, at which api, and what it is. */
interface Shot {
  readonly userId: string;
  readonly proof: string | undefined;
  readonly api: E2eProcess;
  readonly kind: 'missing' | 'wrong' | 'expired' | 'valid' | `replay-${number}`;
}

/** A challenge from one api process, solved as a client does; the solution and its spend id. */
async function solvedAt(api: E2eProcess, campaignId: string) {
  const answer = await fetch(`${api.url}/campaigns/${campaignId}/challenge`);
  expect(answer.status).toBe(200);
  const challenge = (await answer.json()) as Challenge;
  const number = await solve(challenge);
  if (number === null) throw new Error('an unsolvable challenge');
  return { challenge, number, proof: encodeSolution(challenge, number) };
}

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** Fires every shot at its api, all apis at once, and returns the answers as one stampede. */
async function fireShots(shots: readonly Shot[], campaignId: string): Promise<StampedeOutcome> {
  const apis = [...new Set(shots.map((shot) => shot.api))];
  const outcomes = await Promise.all(
    apis.map((api) => {
      const mine = shuffled(shots.filter((shot) => shot.api === api));
      return fire({
        baseUrl: api.url,
        campaignId,
        users: mine.map((shot) => shot.userId),
        proofs: mine.map((shot) => shot.proof),
        concurrency: 40,
      });
    }),
  );
  return new StampedeOutcome(outcomes.flatMap((outcome) => outcome.answers));
}

/**
 * Issue 27: a campaign with the proof-of-work gate, on the real api and consumer processes. Two api
 * processes share one HMAC key (a challenge from one is checked by the other) and spend solutions
 * in the ledger's Redis; a third, with a one-second challenge lifetime, hands out challenges that
 * expire. A concurrent mix of applications without a solution, with a wrong one, an expired one,
 * one solution sent several times at once to both processes, and valid ones: the verdict is read
 * from the answers, Redis and MySQL. The refusals go first, while the campaign can still grant:
 * once it is sold out, the processes answer 410 from memory before the gate (no grant can
 * result), so a refusal's code is only certain before that.
 */
describe('e2e: the proof-of-work gate on the real processes', () => {
  const system = useE2eSystem();

  it('grants only for valid unused solutions, each used once across processes, the cap exact', async () => {
    const env = { PROOF_HMAC_KEY: randomBytes(24).toString('hex') };
    const a = await system.startApi(env);
    const b = await system.startApi(env);
    const shortLived = await system.startApi({ ...env, PROOF_CHALLENGE_TTL_MS: '1000' });
    await system.startConsumer();

    // b has read the catalog just before the campaign exists: the first applications it gets
    // find a catalog (reused for a second) that does not know the campaign yet.
    expect((await fetch(`${b.url}/campaigns`)).status).toBe(200);
    const gate = { proofOfWorkDifficulty: DIFFICULTY };
    const campaignId = await system.createCampaign(a, CAP, undefined, gate);
    const users = (tag: string, n: number) =>
      Array.from({ length: n }, (_, i) => `${campaignId}-${tag}-${i}`);
    const atOnce = users('early', MISSING).map((userId, i): Shot => ({
      userId,
      proof: undefined,
      api: i % 2 ? a : b,
      kind: 'missing',
    }));
    const early = await fireShots(atOnce, campaignId);
    expect(early.answers.map((answer) => answer.code)).toEqual(
      Array.from({ length: MISSING }, () => 'PROOF_REQUIRED'),
    );

    // Solutions, prepared before the mix. Valid ones are fetched from one process and sent to
    // the other; the expired ones are waited out.
    const otherCampaign = await system.createCampaign(a, 5, undefined, gate);
    const valid = await Promise.all(
      Array.from({ length: VALID }, (_, i) => solvedAt(i % 2 ? a : b, campaignId)),
    );
    const replayed = await Promise.all(
      Array.from({ length: REPLAYED }, (_, i) => solvedAt(i % 2 ? a : b, campaignId)),
    );
    const wrong = [
      ...(await Promise.all(
        Array.from({ length: WRONG / 2 }, async () => {
          const { challenge, number } = await solvedAt(a, campaignId);
          return encodeSolution(challenge, number + 1); // the wrong number
        }),
      )),
      ...(await Promise.all(
        Array.from({ length: WRONG / 2 }, async () => (await solvedAt(b, otherCampaign)).proof),
      )),
    ];
    const expired = await Promise.all(
      Array.from({ length: EXPIRED }, () => solvedAt(shortLived, campaignId)),
    );
    const lastExpiry = Math.max(...expired.map((e) => Date.parse(e.challenge.expiresAt)));
    await waitFor('the short-lived challenges to expire', async () =>
      Date.now() > lastExpiry + 50 ? true : undefined,
    );

    // First, while nothing can sell out (one grant at most, for 40 coupons), every refusal
    // with its stable code, and one solution sent REPLAYS times at once: admitted once.
    const refusals: Shot[] = [
      ...users('missing', MISSING).map((userId, i): Shot => ({
        userId,
        proof: undefined,
        api: i % 2 ? a : b,
        kind: 'missing',
      })),
      ...users('wrong', WRONG).map((userId, i): Shot => ({
        userId,
        proof: wrong[i],
        api: i % 2 ? b : a,
        kind: 'wrong',
      })),
      ...users('expired', EXPIRED).map((userId, i): Shot => ({
        userId,
        proof: expired[i]!.proof,
        api: i % 2 ? a : b,
        kind: 'expired',
      })),
      ...replayShots(0),
    ];
    // Then the race for the cap: valid solutions, and the other replayed ones.
    function replayShots(k: number): Shot[] {
      return users(`replay-${k}`, REPLAYS).map((userId, i): Shot => ({
        userId,
        proof: replayed[k]!.proof,
        api: i % 2 ? a : b,
        kind: `replay-${k}`,
      }));
    }
    const racing: Shot[] = [
      ...users('valid', VALID).map((userId, i): Shot => ({
        userId,
        proof: valid[i]!.proof,
        api: i % 2 ? b : a,
        kind: 'valid',
      })),
      ...replayed.slice(1).flatMap(({ proof }, k) =>
        users(`replay-${k + 1}`, REPLAYS).map((userId, i): Shot => ({
          userId,
          proof,
          api: i % 2 ? a : b,
          kind: `replay-${k + 1}`,
        })),
      ),
    ];
    const refused = await fireShots(refusals, campaignId);
    const raced = await fireShots(racing, campaignId);
    const shots = [...refusals, ...racing];
    const mix = new StampedeOutcome([...refused.answers, ...raced.answers]);

    // The answers: every refusal with its stable code; each solution admitted once.
    const answerOf = new Map<string, Answer>(mix.answers.map((answer) => [answer.userId, answer]));
    const codesOf = (kind: string) =>
      shots.filter((shot) => shot.kind === kind).map((shot) => answerOf.get(shot.userId)?.code);
    expect(mix.unanswered).toBe(0);
    expect(new Set(codesOf('missing'))).toEqual(new Set(['PROOF_REQUIRED']));
    expect(new Set(codesOf('wrong'))).toEqual(new Set(['PROOF_INVALID']));
    expect(new Set(codesOf('expired'))).toEqual(new Set(['PROOF_EXPIRED']));
    expect(codesOf('replay-0').sort()).toEqual([
      'ISSUED',
      ...Array.from({ length: REPLAYS - 1 }, () => 'PROOF_REPLAYED'),
    ]);
    const admitted = ['ISSUED', 'SOLD_OUT'];
    for (const code of codesOf('valid')) expect(admitted).toContain(code);
    for (let k = 1; k < REPLAYED; k++) {
      // Granted once at most; the others refused as replayed, or answered 410 once sold out.
      const codes = codesOf(`replay-${k}`);
      expect(codes.filter((code) => code === 'ISSUED').length).toBeLessThanOrEqual(1);
      for (const code of codes) expect([...admitted, 'PROOF_REPLAYED']).toContain(code);
    }
    // 60 applications with a valid, unused solution (50 valid, one per replayed) for 40 coupons.
    expect(mix.count('ISSUED')).toBe(CAP);

    // MySQL and Redis: exactly the cap, every row a 201 of an application with a valid,
    // unused solution.
    await converge(system.probes, campaignId);
    const verdict = await judge(system.probes, { id: campaignId, totalQuantity: CAP }, [
      early,
      mix,
    ]);
    report('proof-of-work', verdict, { answers: `"${mix.summary()}"` });
    expectSound(verdict);
    expect(verdict.rows).toBe(CAP);
    const provenUsers = new Set(
      shots
        .filter((shot) => shot.kind === 'valid' || shot.kind.startsWith('replay-'))
        .map((shot) => shot.userId),
    );
    const rows = await system.probes.coupons(campaignId);
    expect([...rows.keys()].filter((user) => !provenUsers.has(user))).toEqual([]);

    // Redis holds each admitted solution as spent, until its challenge expires; nothing for
    // solutions that were refused before the ledger (wrong, expired).
    const redis = new Redis(standaloneLedger().probe as string);
    try {
      const spent = async (proofs: readonly { challenge: Challenge }[]) =>
        Promise.all(proofs.map((p) => redis.pttl(`coupon:proof:${p.challenge.signature}`)));
      // A solution whose application was granted was spent first; one answered 410 from
      // memory after the sell-out may not have been (nothing to protect there).
      const granted = (kind: string) =>
        shots.some((shot) => shot.kind === kind && answerOf.get(shot.userId)?.code === 'ISSUED');
      const grantedSolutions = [
        ...valid.filter((_, i) => answerOf.get(`${campaignId}-valid-${i}`)?.code === 'ISSUED'),
        ...replayed.filter((_, k) => granted(`replay-${k}`)),
      ];
      expect(grantedSolutions).toHaveLength(CAP);
      for (const ttl of await spent(grantedSolutions)) expect(ttl).toBeGreaterThan(0);
      for (const ttl of await spent(expired)) expect(ttl).toBe(-2);
    } finally {
      redis.disconnect();
    }

    // Sold out, every process answers from memory before the gate (once its copy of the sold-out
    // campaign is loaded, in the background after its first 410): 410 without a solution.
    // A process learns it from a reservation answered 410, and an application without a solution
    // never reserves: one with a valid solution first, in case this one saw none in the race.
    let late = 0;
    for (const api of [a, b]) {
      const proven = await fetch(`${api.url}/campaigns/${campaignId}/issuances`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-proof-of-work': (await solvedAt(api, campaignId)).proof,
        },
        body: JSON.stringify({ userId: `${campaignId}-late-${late++}` }),
      });
      expect(proven.status).toBe(410);
      await waitFor(`a 410 without a solution from ${api.url}`, async () => {
        const answer = await fetch(`${api.url}/campaigns/${campaignId}/issuances`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ userId: `${campaignId}-late-${late++}` }),
        });
        const code = ((await answer.json()) as { error?: { code?: string } }).error?.code;
        expect(['PROOF_REQUIRED', 'SOLD_OUT']).toContain(code);
        return code === 'SOLD_OUT' ? true : undefined;
      });
    }
    expect((await system.probes.coupons(campaignId)).size).toBe(CAP);
  });
});
