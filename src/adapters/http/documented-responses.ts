import { ErrorSchema } from './schemas.ts';

/**
 * The responses several routes share, stated once so that every status a route can answer is in
 * the document (the conformance test in test/http fails on any other).
 */
export const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const retryAfter = {
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    schema: { type: 'integer' as const, minimum: 1 },
  },
};

export const errorResponse = (description: string) => json(ErrorSchema, description);

/** With Retry-After: a dependency is down (fail closed) or the ledger is being reconciled. */
export const unavailable = (codes: string) => ({
  ...errorResponse(`${codes} (fail closed; retry after Retry-After seconds)`),
  headers: retryAfter,
});

export const STORE_UNAVAILABLE = unavailable('STORE_UNAVAILABLE or LEDGER_UNAVAILABLE');

export const RATE_LIMITED = {
  ...errorResponse(
    'RATE_LIMITED: this client (the verified user in jwt mode, else the client address) spent ' +
      'its requests per second on this route; only when per-client limits are on',
  ),
  headers: retryAfter,
};

/** The body checks every route with a JSON body goes through, in this order. */
export const BODY_CHECKS = {
  400: errorResponse('VALIDATION_FAILED (field-level messages) or MALFORMED_JSON'),
  413: errorResponse('PAYLOAD_TOO_LARGE (BODY_LIMIT_BYTES)'),
  415: errorResponse('UNSUPPORTED_MEDIA_TYPE: the body must be application/json'),
};
