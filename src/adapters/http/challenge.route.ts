import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { CampaignId } from '../../domain/ids.ts';
import { json, RATE_LIMITED, unavailable } from './documented-responses.ts';
import { errorBody } from './error-body.ts';
import { CAMPAIGN_NOT_FOUND } from './error-messages.ts';
import type { HttpDependencies } from './http-dependencies.ts';
import { openApiPath, PATHS } from './paths.ts';
import { CampaignParams, ChallengeSchema, ErrorSchema } from './schemas.ts';

const challengeRoute = createRoute({
  method: 'get',
  path: openApiPath(PATHS.challenge),
  summary: "A proof-of-work challenge for a gated campaign's application",
  description:
    'For a campaign with `proofOfWorkDifficulty`: solve the challenge (find `number` in ' +
    '0..maxnumber with SHA-256(salt + number) = challenge, e.g. with altcha-lib or the ALTCHA ' +
    'widget) and send base64(JSON {algorithm, challenge, number, salt, signature}) in the ' +
    '`X-Proof-Of-Work` header of POST …/issuances before `expiresAt`. Each solution is accepted ' +
    'once: fetch a new challenge for each application.',
  request: { params: CampaignParams },
  responses: {
    200: json(ChallengeSchema, 'A challenge, signed by the server (nothing is stored)'),
    400: json(ErrorSchema, 'VALIDATION_FAILED: invalid campaign id'),
    404: json(ErrorSchema, CAMPAIGN_NOT_FOUND.code),
    409: json(ErrorSchema, 'PROOF_NOT_REQUIRED: the campaign has no gate; apply without one'),
    429: RATE_LIMITED,
    503: unavailable('STORE_UNAVAILABLE'),
  },
});

/** `GET /campaigns/{id}/challenge`: registered when the API has the proof-of-work gate. */
export function registerChallengeRoute(app: OpenAPIHono, deps: HttpDependencies): void {
  const admission = deps.admission;
  if (!admission) return;
  app.openapi(challengeRoute, async (c) => {
    const campaignId = c.req.valid('param').campaignId as CampaignId;
    const outcome = await admission.issueChallenge.execute(campaignId);
    switch (outcome.kind) {
      case 'challenge': {
        const { expiresAt, ...challenge } = outcome.challenge;
        c.header('Cache-Control', 'no-store');
        return c.json({ ...challenge, expiresAt: expiresAt.toISOString() }, 200);
      }
      case 'not-required':
        return c.json(
          errorBody('PROOF_NOT_REQUIRED', 'this campaign has no proof-of-work gate'),
          409,
        );
      case 'unknown-campaign':
        return c.json(errorBody(CAMPAIGN_NOT_FOUND.code, CAMPAIGN_NOT_FOUND.message), 404);
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled challenge outcome ${JSON.stringify(unhandled)}`);
      }
    }
  });
}
