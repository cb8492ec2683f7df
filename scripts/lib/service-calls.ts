import {
  CliFailure,
  connectionCode,
  describeError,
} from '../../src/bootstrap/entrypoints/cli-options.ts';
import { fetchFrom, openCampaign } from './open-campaign.ts';

/** `--url` as the base of every request, or one line saying what a valid one looks like. */
export function serviceUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // said below
  }
  throw new CliFailure(`--url must be an http(s) URL such as http://127.0.0.1:3000, not ${raw}`, 2);
}

export interface Answer {
  readonly status: number;
  /** The body's error.code, or ''. */
  readonly code: string;
  readonly text: string;
  readonly json: unknown;
}

/**
 * One request to the coupon service. Nothing listening, a wrong host, or an answer that is not
 * the service's JSON become one line that says so (a CliFailure), never a stack trace.
 */
export async function call(
  baseUrl: string,
  path: string,
  init?: RequestInit,
  unreachableHint = '',
): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, init);
  } catch (error) {
    throw unreachable(baseUrl, error, unreachableHint);
  }
  return answerOf(baseUrl, `${init?.method ?? 'GET'} ${path}`, response);
}

function unreachable(baseUrl: string, error: unknown, hint: string): CliFailure {
  const code = connectionCode(error) ?? describeError(error);
  return new CliFailure(`cannot reach the service at ${baseUrl} (${code}): is it running?${hint}`);
}

async function answerOf(baseUrl: string, request: string, response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliFailure(
      `${baseUrl} answered ${request} with ${response.status} and no JSON: is that the coupon ` +
        'service?',
    );
  }
  const code = (json as { error?: { code?: string } } | null)?.error?.code ?? '';
  return { status: response.status, code, text, json };
}

/**
 * Creates a campaign and publishes it at once (openCampaign: every warning of its preview
 * acknowledged), or one line that says why not: the token refused, admin off, or the service's
 * own answer. `hint` ends the lines about the token (what this command can do instead).
 */
export async function openCampaignAt(
  baseUrl: string,
  adminToken: string,
  campaign: { readonly id: string } & Record<string, unknown>,
  hint = '',
): Promise<void> {
  let response: Response;
  try {
    response = await openCampaign(fetchFrom(baseUrl), adminToken, campaign);
  } catch (error) {
    throw unreachable(baseUrl, error, '');
  }
  const answer = await answerOf(baseUrl, 'the admin routes', response);
  if (answer.status === 200) return;
  if (answer.status === 401) {
    throw new CliFailure(
      `the service at ${baseUrl} refused the admin token (401 UNAUTHORIZED): pass its ` +
        `ADMIN_TOKEN with --token${hint}`,
    );
  }
  if (answer.code === 'ADMIN_DISABLED') {
    throw new CliFailure(
      `admin is disabled on ${baseUrl} (it was started without ADMIN_TOKEN): restart it with ` +
        `ADMIN_TOKEN set${hint}`,
    );
  }
  throw new CliFailure(
    `opening campaign ${campaign.id} at ${baseUrl} failed: ${answer.status} ${answer.text}`,
  );
}
