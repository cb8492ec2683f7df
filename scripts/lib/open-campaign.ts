/** `fetch` against one service: a base URL's fetch, or an in-process Hono app's `request`. */
export type ServiceFetch = (path: string, init?: RequestInit) => Response | Promise<Response>;

/**
 * Creates a campaign and publishes it at once, acknowledging every warning its preview shows:
 * what scripts, benchmarks and tests need (a campaign that takes applications now). A person's
 * drop goes through the preview and reads the warnings. Returns the first answer that is not a
 * success, or the publication's (200, the campaign's summary).
 */
export async function openCampaign(
  fetchPath: ServiceFetch,
  adminToken: string,
  campaign: { readonly id: string } & Record<string, unknown>,
): Promise<Response> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const created = await fetchPath('/admin/campaigns', {
    method: 'POST',
    headers,
    body: JSON.stringify(campaign),
  });
  if (created.status !== 201) return created;
  const path = `/admin/campaigns/${encodeURIComponent(campaign.id)}`;
  const preview = await fetchPath(`${path}/preview`, { headers });
  if (preview.status !== 200) return preview;
  const { warnings } = (await preview.json()) as { warnings: { code: string }[] };
  return fetchPath(`${path}/publish`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ acknowledge: warnings.map((warning) => warning.code) }),
  });
}

/** `fetch` with a base URL. */
export const fetchFrom =
  (baseUrl: string): ServiceFetch =>
  (path, init) =>
    fetch(`${baseUrl}${path}`, init);
