/**
 * The sections of the OpenAPI document, in reading order. Without a tag, Swagger UI files an
 * operation under "default", which read like the campaign named `default`.
 */
export const OPENAPI_TAGS = [
  {
    name: 'campaigns',
    description: "Apply for a coupon; read a user's coupon and a campaign's counts (public)",
  },
  {
    name: 'admin',
    description:
      'Create and inspect campaigns (bearer ADMIN_TOKEN; absent when the service has none)',
  },
  { name: 'operations', description: "Liveness, readiness, metrics and this process's counters" },
  { name: 'dashboard', description: 'The live dashboard page' },
  { name: 'docs', description: 'This document and the page that renders it' },
] as const;

type TagName = (typeof OPENAPI_TAGS)[number]['name'];

/** The section of an operation its route did not tag, by the path's first segment. */
const TAG_OF_PREFIX: readonly (readonly [string, TagName])[] = [
  ['/admin/', 'admin'],
  ['/campaigns', 'campaigns'],
];

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type PathItem = Partial<Record<(typeof METHODS)[number], { tags?: string[] }>>;

/**
 * Files every untagged operation under its section (TAG_OF_PREFIX). The routes of the public
 * and admin APIs are declared without tags; their section follows from the path alone, so it
 * is given here, once, rather than repeated on each route. An operation no prefix covers stays
 * untagged, and test/http/openapi.test.ts fails on it.
 */
export function tidyDocument<T extends { readonly paths?: object }>(document: T): T {
  const paths = (document.paths ?? {}) as Record<string, PathItem | undefined>;
  for (const [path, item] of Object.entries(paths)) {
    const tag = TAG_OF_PREFIX.find(([prefix]) => path.startsWith(prefix))?.[1];
    if (!item || !tag) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (operation && (operation.tags ?? []).length === 0) operation.tags = [tag];
    }
  }
  return document;
}
