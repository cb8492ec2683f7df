import { createGeneratorSync } from 'json-schema-faker';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHttpFixture, type HttpFixture } from '../support/http-fixture.ts';

/**
 * Conformance against /openapi.json, the document a client is given: for every operation, valid
 * inputs generated from its schemas (json-schema-faker, seeded, so a failure reproduces) and
 * invalid ones derived from the same schemas (wrong types, broken patterns, bounds, missing and
 * unknown fields, malformed or non-JSON bodies, no credentials), plus every method a path does not
 * declare and HEAD on every GET. Nothing may answer 500 or a status the operation does not list;
 * a valid request is never refused as invalid (400/413/415), an invalid one is never a 2xx.
 */

type Schema = Record<string, unknown> & {
  type?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  $ref?: string;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
interface Operation {
  parameters?: { name: string; in: string; schema: Schema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}
interface Case {
  readonly what: string;
  readonly valid: boolean;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly auth?: boolean;
}

const VALID_PER_OPERATION = 25;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

let f: HttpFixture;
let doc: Document;
let existing: string;

beforeAll(async () => {
  f = createHttpFixture();
  existing = await f.createCampaign({ totalQuantity: 5 });
  doc = (await f.request('GET', '/openapi.json')).body as unknown as Document;
});

function resolve(schema: Schema): Schema {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(doc.components.schemas[name] ?? {});
  }
  const properties = schema.properties
    ? Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v)]))
    : undefined;
  return {
    ...schema,
    ...(properties ? { properties } : {}),
    ...(schema.items ? { items: resolve(schema.items) } : {}),
    ...(schema.anyOf ? { anyOf: schema.anyOf.map(resolve) } : {}),
    ...(schema.oneOf ? { oneOf: schema.oneOf.map(resolve) } : {}),
    ...(schema.allOf ? { allOf: schema.allOf.map(resolve) } : {}),
  };
}

/** Just enough JSON Schema to tell whether a derived value really breaks the schema. */
function satisfies(schema: Schema, value: unknown): boolean {
  if (schema.enum && !schema.enum.includes(value)) return false;
  switch (schema.type ?? 'any') {
    case 'string':
      return (
        typeof value === 'string' &&
        value.length >= (schema.minLength ?? 0) &&
        value.length <= (schema.maxLength ?? Infinity) &&
        (schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(value)) &&
        (schema['format'] !== 'date-time' || !Number.isNaN(Date.parse(value)))
      );
    case 'integer':
    case 'number':
      return (
        typeof value === 'number' &&
        (schema.type === 'number' || Number.isInteger(value)) &&
        value >= (schema.minimum ?? -Infinity) &&
        value <= (schema.maximum ?? Infinity)
      );
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
      const record = value as Record<string, unknown>;
      const props = schema.properties ?? {};
      if (
        schema['additionalProperties'] === false &&
        Object.keys(record).some((k) => !(k in props))
      )
        return false;
      if ((schema.required ?? []).some((k) => !(k in record))) return false;
      return Object.entries(record).every(([k, v]) => !props[k] || satisfies(props[k], v));
    }
    default:
      return true;
  }
}

/** Values that break `schema` (each checked with `satisfies`, so none is valid by accident). */
function invalidValues(schema: Schema, asString: boolean): unknown[] {
  const candidates: unknown[] = asString
    ? ['', 'x'.repeat((schema.maxLength ?? 64) + 1), 'A B', 'ü', '%', 'a..b/c', '-'.repeat(65)]
    : [
        null,
        true,
        -1,
        0,
        1.5,
        2 ** 53,
        '',
        ' ',
        'x'.repeat(300),
        'not-a-date',
        '2026-13-45T99:99:99Z',
        [],
        {},
        (schema.maximum ?? 0) + 1,
      ];
  return candidates.filter((value) => !satisfies(schema, value));
}

function fill(path: string, params: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
}

/**
 * The document states rules JSON Schema cannot (CreateCampaign: endsAt strictly later than
 * startsAt; openingShuffleMs needs startsAt and ends before endsAt); a generator that satisfies
 * the document satisfies those too.
 */
function obeyStatedRules(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const window = obeyWindow(body);
  const record = window as { startsAt?: unknown; endsAt?: unknown; openingShuffleMs?: unknown };
  const shuffleMs = record.openingShuffleMs;
  if (typeof shuffleMs !== 'number' || shuffleMs === 0) return window;
  const startsAt = typeof record.startsAt === 'string' ? Date.parse(record.startsAt) : undefined;
  const endsAt = typeof record.endsAt === 'string' ? Date.parse(record.endsAt) : undefined;
  const fits = startsAt !== undefined && (endsAt === undefined || endsAt > startsAt + shuffleMs);
  return fits ? window : { ...record, openingShuffleMs: undefined };
}

function obeyWindow(body: object): unknown {
  const record = body as { startsAt?: string; endsAt?: string };
  if (record.startsAt && record.endsAt) {
    const [a, b] = [record.startsAt, record.endsAt].sort((x, y) => Date.parse(x) - Date.parse(y));
    if (a === b || Date.parse(a!) === Date.parse(b!)) return { ...record, endsAt: undefined };
    return { ...record, startsAt: a, endsAt: b };
  }
  return record;
}

function casesFor(path: string, op: Operation, seed: number): Case[] {
  // Arrays kept short: an allowlist batch may list 100,000 users, a generated one needs not.
  const gen = createGeneratorSync({ seed, alwaysFakeOptionals: false, maxItems: 20 });
  const params = (op.parameters ?? []).filter((p) => p.in === 'path');
  const bodySchema = op.requestBody?.content['application/json']?.schema;
  const body = bodySchema ? resolve(bodySchema) : undefined;
  const auth = (op.security ?? []).some((s) => 'adminBearer' in s);
  const validParams = () =>
    Object.fromEntries(
      params.map((p) => [
        p.name,
        p.name === 'campaignId' && gen.generate({ type: 'boolean' })
          ? existing
          : String(gen.generate(p.schema)),
      ]),
    );
  const validBody = () => (body ? JSON.stringify(obeyStatedRules(gen.generate(body))) : undefined);
  const cases: Case[] = [];
  const base = (): Omit<Case, 'what' | 'valid'> => ({
    path: fill(path, validParams()),
    ...(body ? { body: validBody()!, contentType: 'application/json' } : {}),
    auth,
  });

  for (let i = 0; i < VALID_PER_OPERATION; i++)
    cases.push({ what: 'valid', valid: true, ...base() });
  for (const p of params) {
    for (const bad of invalidValues(p.schema, true)) {
      cases.push({
        ...base(),
        what: `path ${p.name}=${JSON.stringify(bad)}`,
        valid: false,
        path: fill(path, { ...validParams(), [p.name]: String(bad) }),
      });
    }
  }
  if (body) {
    const sample = obeyStatedRules(gen.generate(body)) as Record<string, unknown>;
    for (const [name, propSchema] of Object.entries(body.properties ?? {})) {
      for (const bad of invalidValues(propSchema, false)) {
        cases.push({
          ...base(),
          what: `body ${name}=${JSON.stringify(bad)}`,
          valid: false,
          body: JSON.stringify({ ...sample, [name]: bad }),
        });
      }
    }
    for (const name of body.required ?? []) {
      const rest = { ...sample };
      delete rest[name];
      cases.push({
        ...base(),
        what: `body without ${name}`,
        valid: false,
        body: JSON.stringify(rest),
      });
    }
    const broken: [string, string, string][] = [
      ['unknown field', JSON.stringify({ ...sample, surprise: 1 }), 'application/json'],
      ['array body', '[]', 'application/json'],
      ['string body', '"x"', 'application/json'],
      ['malformed JSON', '{"userId":', 'application/json'],
      ['empty body', '', 'application/json'],
      ['text/plain body', JSON.stringify(sample), 'text/plain'],
      ['oversized body', JSON.stringify({ ...sample, pad: 'x'.repeat(5000) }), 'application/json'],
    ];
    for (const [what, text, contentType] of broken) {
      cases.push({ ...base(), what, valid: false, body: text, contentType });
    }
  }
  if (auth) cases.push({ ...base(), what: 'no credentials', valid: false, auth: false });
  return cases;
}

async function send(method: string, c: Case): Promise<Response> {
  const headers: Record<string, string> = {};
  if (c.contentType) headers['content-type'] = c.contentType;
  if (c.auth) headers['authorization'] = `Bearer ${ADMIN_TOKEN}`;
  return f.app.request(c.path, {
    method,
    headers,
    ...(c.body !== undefined ? { body: new TextEncoder().encode(c.body) } : {}),
  });
}

async function expectErrorShape(res: Response, context: string): Promise<void> {
  if (res.status < 400 || !res.headers.get('content-type')?.includes('json')) return;
  const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, `${context}: error shape`).toBe('string');
  expect(typeof body.error?.message, `${context}: error shape`).toBe('string');
}

describe('OpenAPI conformance (generated from /openapi.json)', () => {
  it('every operation answers only documented statuses, never 500, for valid and invalid inputs', async () => {
    const failures: string[] = [];
    let count = 0;
    let seed = 1;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const documented = Object.keys(op.responses).map(Number);
        for (const c of casesFor(path, op, seed++)) {
          const res = await send(method.toUpperCase(), c);
          count++;
          const context = `${method.toUpperCase()} ${c.path} (${c.what}) → ${res.status}`;
          const refusedAsInvalid = [400, 413, 415].includes(res.status);
          if (res.status >= 500 && res.status !== 503) failures.push(`${context}: server error`);
          else if (!documented.includes(res.status)) failures.push(`${context}: undocumented`);
          else if (c.valid && refusedAsInvalid) failures.push(`${context}: valid input refused`);
          else if (!c.valid && res.status < 300)
            failures.push(`${context}: invalid input accepted`);
          await expectErrorShape(res, context);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(400);
  });

  it('a documented path asked with a method it does not declare is 405 with Allow', async () => {
    const failures: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      const declared = Object.keys(item).map((m) => m.toUpperCase());
      const allow = [...declared, ...(declared.includes('GET') ? ['HEAD'] : [])].sort().join(', ');
      const concrete = fill(path, { campaignId: existing, userId: 'someone' });
      for (const method of METHODS.filter((m) => !declared.includes(m))) {
        const res = await f.app.request(concrete, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        if (res.status !== 405 || res.headers.get('allow') !== allow) {
          failures.push(
            `${method} ${concrete} → ${res.status} Allow: ${res.headers.get('allow')} (want ${allow})`,
          );
        }
        await expectErrorShape(res, `${method} ${concrete}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('HEAD answers like GET on every GET operation: same status and type, no body', async () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!item['get']) continue;
      const concrete = fill(path, { campaignId: existing, userId: 'someone' });
      const init = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
      const [get, head] = await Promise.all([
        f.app.request(concrete, init),
        f.app.request(concrete, { ...init, method: 'HEAD' }),
      ]);
      expect(head.status, `HEAD ${concrete}`).toBe(get.status);
      expect(head.headers.get('content-type'), `HEAD ${concrete}`).toBe(
        get.headers.get('content-type'),
      );
      expect(await head.text(), `HEAD ${concrete}`).toBe('');
    }
  });
});
