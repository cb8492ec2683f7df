import {
  CliFailure,
  connectionCode,
  describeError,
} from '../../src/bootstrap/entrypoints/cli-options.ts';

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
export async function call(baseUrl: string, path: string, init?: RequestInit): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, init);
  } catch (error) {
    const code = connectionCode(error) ?? describeError(error);
    throw new CliFailure(`cannot reach the service at ${baseUrl} (${code}): is it running?`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliFailure(
      `${baseUrl} answered ${init?.method ?? 'GET'} ${path} with ${response.status} and no ` +
        'JSON: is that the coupon service?',
    );
  }
  const code = (json as { error?: { code?: string } } | null)?.error?.code ?? '';
  return { status: response.status, code, text, json };
}
