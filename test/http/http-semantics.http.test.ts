import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHttpFixture } from '../support/http-fixture.ts';
import { useRuntimeApps } from '../support/http-runtime.ts';
import { randomCampaignId, randomUserId } from '../support/mothers.ts';

const SECRET = 'an-hs256-secret-of-at-least-32-characters';
const appWith = useRuntimeApps();

async function jwtApp() {
  return (await appWith({ ADMIN_TOKEN, AUTH_MODE: 'jwt', JWT_SECRET: SECRET })).app;
}

const token = (sub: string) =>
  sign({ sub, exp: Math.floor(Date.now() / 1000) + 300 }, SECRET, 'HS256');

type Responses = Record<string, { description: string }>;
type Doc = {
  info: { description: string };
  paths: Record<string, Record<string, { responses: Responses }>>;
  components: {
    schemas: Record<
      string,
      {
        description?: string;
        properties: Record<string, { description?: string; pattern?: string }>;
      }
    >;
  };
};

describe('HTTP semantics', () => {
  it('HEAD on the status route in jwt mode is authenticated like GET (401 / 403 / 200, never 500)', async () => {
    const app = await jwtApp();
    const user = randomUserId();
    const bearer = { authorization: `Bearer ${await token(user)}` };
    const path = (u: string) => `/campaigns/${randomCampaignId()}/issuances/${u}`;
    const head = (p: string, headers: Record<string, string> = {}) =>
      app.request(p, { method: 'HEAD', headers });
    const noToken = await head(path(user));
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await head(path('someone-else'), bearer)).status).toBe(403);
    // The campaign does not exist: the identity passed and the handler answered.
    const own = await head(path(user), bearer);
    expect(own.status).toBe(404);
    expect(await own.text()).toBe('');
  });

  it('405 with Allow in jwt mode too, before any token is asked for', async () => {
    const app = await jwtApp();
    const res = await app.request(`/campaigns/${randomCampaignId()}/issuances`, { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('the document lists the edge statuses of each route (415/413/503 admin, 429 apply+status)', async () => {
    const f = createHttpFixture();
    const doc = (await f.request('GET', '/openapi.json')).body as unknown as Doc;
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[path]?.[method]?.responses ?? {});
    expect(statuses('/admin/campaigns', 'post')).toEqual(
      expect.arrayContaining(['400', '401', '409', '413', '415', '503']),
    );
    expect(statuses('/admin/campaigns/{campaignId}', 'get')).toEqual(
      expect.arrayContaining(['400', '401', '404', '503']),
    );
    expect(statuses('/campaigns/{campaignId}/issuances', 'post')).toEqual(
      expect.arrayContaining(['413', '415', '429', '503']),
    );
    expect(statuses('/campaigns/{campaignId}/issuances/{userId}', 'get')).toEqual(
      expect.arrayContaining(['429', '503']),
    );
    expect(doc.info.description).toMatch(/HEAD/);
    expect(doc.info.description).toMatch(/405/);
  });

  it('states the cross-field rule, and the API keeps to what the document says', async () => {
    const f = createHttpFixture();
    const doc = (await f.request('GET', '/openapi.json')).body as unknown as Doc;
    const schema = doc.components.schemas['CreateCampaign']!;
    expect(schema.description).toMatch(/endsAt.*later than startsAt/);
    expect(schema.properties['endsAt']?.description).toMatch(/strictly later/);
    expect(schema.properties['name']?.pattern).toBe('\\S');

    const at = '2030-01-01T00:00:00Z';
    const equal = await f.admin('POST', '/admin/campaigns', {
      json: { id: randomCampaignId(), name: 'x', startsAt: at, endsAt: at },
    });
    expect(equal.status).toBe(400);
    expect(equal.body.error?.fields?.map((p) => p.field)).toEqual(['endsAt']);
    const later = await f.admin('POST', '/admin/campaigns', {
      json: { id: randomCampaignId(), name: 'x', startsAt: at, endsAt: '2030-01-01T00:00:01Z' },
    });
    expect(later.status).toBe(201);
    const blank = await f.admin('POST', '/admin/campaigns', {
      json: { id: randomCampaignId(), name: '   ' },
    });
    expect(blank.status).toBe(400);
    expect(blank.body.error?.fields?.map((p) => p.field)).toEqual(['name']);
  });
});
