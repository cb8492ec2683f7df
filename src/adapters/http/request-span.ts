import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { tracer } from '../tracing/tracer.ts';
import { contextOf } from '../tracing/traceparent.ts';
import { handlerRoute } from './request-context.ts';

/**
 * One SERVER span per request, first of the application's trace (or a child of the caller's,
 * when it sent a W3C `traceparent`), active while the handler runs so that the reserve is its
 * child. Named by route pattern, never by raw path (no user id in a span name). Installed only
 * when tracing is on (HttpDependencies.traced): with tracing off no request pays for it.
 */
export function requestSpan(): MiddlewareHandler {
  return (c, next) =>
    tracer.startActiveSpan(
      `${c.req.method}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path },
      },
      contextOf(c.req.header('traceparent')),
      async (span) => {
        try {
          await next();
        } finally {
          const route = handlerRoute(c);
          const status = c.res.status;
          span.updateName(`${c.req.method} ${route}`);
          span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
          if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        }
      },
    );
}
