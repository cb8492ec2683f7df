import type { Logger } from '../../application/ports/logger.port.ts';
import type { Config } from '../config.ts';
import type { Wiring } from '../wiring/container.ts';

/** What a person needs once the service listens: where it is, and one request to try. */
export interface StartedService {
  /** `http://127.0.0.1:3000`, as a browser or curl on this host reaches it. */
  readonly url: string;
  readonly wiring: Wiring;
  readonly config: Pick<Config, 'ADMIN_TOKEN' | 'AUTH_MODE'>;
  /** The campaign the `try` line applies to (the embedded mode seeds one); none: no try line. */
  readonly campaignId?: string;
}

/**
 * The request to paste. Single quotes around the JSON: it must reach curl exactly as written,
 * which a JSON log can only show escaped (`\"`), so the banner prints it as plain text.
 */
export function tryCommand(service: StartedService): string | undefined {
  if (service.campaignId === undefined) return undefined;
  const apply = `curl -X POST ${service.url}/campaigns/${service.campaignId}/issuances`;
  return service.config.AUTH_MODE === 'jwt'
    ? `${apply} -H "authorization: Bearer $TOKEN"   # a JWT whose sub is the user`
    : `${apply} -H 'content-type: application/json' -d '{"userId":"alice"}'`;
}

const ADMIN_OFF_HOW =
  '/admin/* answers 404 ADMIN_DISABLED; set ADMIN_TOKEN (16+ characters) to create campaigns';

/**
 * The banner for a person at a terminal: plain text, nothing escaped, so every line pastes as
 * it reads (in pretty log mode the "try" field used to show `-d '{\"userId\":…}'`, which the
 * service refuses as malformed JSON).
 */
export function startupBanner(service: StartedService): string {
  const { url, wiring } = service;
  const command = tryCommand(service);
  const rows: [string, string][] = [
    ['API', url],
    ['dashboard', `${url}/`],
    ['API docs', `${url}/docs`],
    ['admin', service.config.ADMIN_TOKEN ? 'on (bearer ADMIN_TOKEN)' : `off: ${ADMIN_OFF_HOW}`],
    ...(command === undefined ? [] : [['try', command] as [string, string]]),
  ];
  const parts = `ledger: ${wiring.ledger} · event log: ${wiring.log} · store: ${wiring.store}`;
  return [
    `coupon service ready (${parts})`,
    ...rows.map(([label, value]) => `  ${label.padEnd(10)} ${value}`),
    '',
  ].join('\n');
}

/**
 * Says the service is up. A person at a terminal gets the plain banner on stdout, and the log
 * line without the try command (pretty mode can only show it escaped, and a pasted `\"` is a
 * 400). Anything else (a pipe, a container log) gets the structured line with it under `try`:
 * `jq -r .try` prints it pastable. Admin being off is always said, on a line of its own.
 */
export function announceStart(
  logger: Logger,
  service: StartedService,
  out: { readonly isTTY?: boolean; write(text: string): unknown } = process.stdout,
): void {
  const person = out.isTTY === true;
  const command = tryCommand(service);
  logger.info(
    {
      url: service.url,
      dashboard: `${service.url}/`,
      docs: `${service.url}/docs`,
      wiring: service.wiring,
      ...(command === undefined || person ? {} : { try: command }),
    },
    `coupon service listening on ${service.url}`,
  );
  if (!service.config.ADMIN_TOKEN) logger.info({}, `admin is off: ${ADMIN_OFF_HOW}`);
  if (person) out.write(startupBanner(service));
}
