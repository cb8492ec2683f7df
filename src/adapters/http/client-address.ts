import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Where the client address comes from. Without a trusted proxy it is the socket's peer. Behind
 * proxies we run, each appends the address it received from to `header` (X-Forwarded-For style,
 * comma-separated): everything left of our own hops was written by the client and can be forged,
 * so the client is the `hops`-th entry from the RIGHT (1 = the one our outermost proxy appended).
 * A missing or short header falls back to the socket's peer: a request that bypassed the proxy
 * is still keyed by something the client cannot choose.
 */
export interface ClientAddressSettings {
  readonly trustedProxyHeader?: string;
  readonly trustedProxyHops?: number;
}

export function clientAddress(c: Context, settings: ClientAddressSettings): string {
  const { trustedProxyHeader, trustedProxyHops = 1 } = settings;
  if (trustedProxyHeader !== undefined) {
    const hops = (c.req.header(trustedProxyHeader) ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop.length > 0);
    const client = hops[hops.length - trustedProxyHops];
    if (client !== undefined) return client.slice(0, 64);
  }
  return socketAddress(c) ?? 'unknown';
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // `app.request` in tests has no socket (no `incoming` in the env).
    return undefined;
  }
}
