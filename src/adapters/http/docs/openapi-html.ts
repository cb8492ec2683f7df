/**
 * Renders an OpenAPI 3.1 document as one self-contained HTML page: routes with their parameters,
 * bodies and responses, then the schemas. Server-side and dependency-free (no Swagger UI, no
 * CDN, no script), so the docs work offline and under a strict Content-Security-Policy.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function renderOpenApiHtml(document: object): string {
  const doc = document as Json;
  const info = obj(doc['info']);
  const paths = obj(doc['paths']);
  const schemas = obj(obj(doc['components'])['schemas']);
  const title = str(info['title']) || 'API';

  const operations: string[] = [];
  const index: string[] = [];
  for (const path of Object.keys(paths).sort()) {
    const item = obj(paths[path]);
    for (const method of METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      const id = anchor(`${method}-${path}`);
      const summary = str(obj(op)['summary']);
      index.push(
        `<li><a href="#${id}"><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></a> ${esc(summary)}</li>`,
      );
      operations.push(renderOperation(id, method, path, obj(op)));
    }
  }

  const schemaSections = Object.keys(schemas)
    .sort()
    .map((name) => {
      const schema = obj(schemas[name]);
      return `<section class="schema" id="schema-${anchor(name)}"><h3>${esc(name)}</h3>${renderSchemaBody(schema)}</section>`;
    });

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — API</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${esc(title)} <small>v${esc(str(info['version']))} · OpenAPI ${esc(str(doc['openapi']))}</small></h1>
  <p>${esc(str(info['description']))}</p>
  <p class="links"><a href="/">live dashboard</a> · <a href="/openapi.json">openapi.json</a></p>
</header>
<main>
<nav><h2>Routes</h2><ul>${index.join('')}</ul></nav>
${operations.join('\n')}
<h2>Schemas</h2>
${schemaSections.join('\n')}
</main>
</body>
</html>
`;
}

function renderOperation(id: string, method: string, path: string, op: Json): string {
  const parts: string[] = [];
  parts.push(
    `<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>`,
  );
  if (str(op['summary'])) parts.push(`<p class="summary">${esc(str(op['summary']))}</p>`);
  if (str(op['description'])) parts.push(`<p>${esc(str(op['description']))}</p>`);
  const security = arr(op['security']).flatMap((s) => Object.keys(obj(s)));
  if (security.length > 0) {
    parts.push(
      `<p class="security">Requires: ${security.map((s) => `<code>${esc(s)}</code>`).join(', ')}</p>`,
    );
  }

  const params = arr(op['parameters']).map(obj);
  if (params.length > 0) {
    const rows = params.map(
      (p) =>
        `<tr><td><code>${esc(str(p['name']))}</code></td><td>${esc(str(p['in']))}</td><td>${p['required'] === true ? 'yes' : 'no'}</td><td>${renderType(obj(p['schema']))}</td></tr>`,
    );
    parts.push(
      `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }

  const body = obj(op['requestBody']);
  const bodyContent = obj(body['content']);
  if (Object.keys(bodyContent).length > 0) {
    const rows = Object.entries(bodyContent).map(
      ([type, media]) =>
        `<tr><td><code>${esc(type)}</code></td><td>${renderType(obj(obj(media)['schema']))}</td></tr>`,
    );
    parts.push(
      `<table><thead><tr><th>body (${body['required'] === true ? 'required' : 'optional'})</th><th>schema</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }

  const responses = obj(op['responses']);
  const rows = Object.keys(responses)
    .sort()
    .map((code) => {
      const response = obj(responses[code]);
      const content = obj(response['content']);
      const types = Object.entries(content)
        .map(
          ([type, media]) => `<code>${esc(type)}</code> ${renderType(obj(obj(media)['schema']))}`,
        )
        .join('<br>');
      return `<tr><td class="code c${esc(code.charAt(0))}">${esc(code)}</td><td>${esc(str(response['description']))}</td><td>${types}</td></tr>`;
    });
  parts.push(
    `<table><thead><tr><th>status</th><th>meaning</th><th>body</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
  );
  return `<section class="op" id="${id}">${parts.join('\n')}</section>`;
}

function renderSchemaBody(schema: Json): string {
  const properties = obj(schema['properties']);
  const names = Object.keys(properties);
  if (names.length === 0) return `<p>${renderType(schema)}</p>`;
  const required = new Set(arr(schema['required']).map(str));
  const rows = names.map(
    (name) =>
      `<tr><td><code>${esc(name)}</code></td><td>${required.has(name) ? 'yes' : 'no'}</td><td>${renderType(obj(properties[name]))}</td></tr>`,
  );
  return `<table><thead><tr><th>field</th><th>required</th><th>type</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A compact one-line type: `string (pattern)`, `integer | null`, `array of Coupon`, a link. */
function renderType(schema: Json): string {
  const ref = str(schema['$ref']);
  if (ref) {
    const name = ref.split('/').pop() ?? ref;
    return `<a href="#schema-${anchor(name)}">${esc(name)}</a>`;
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const options = arr(schema[key]);
    if (options.length > 0)
      return options.map((o) => renderType(obj(o))).join(key === 'allOf' ? ' &amp; ' : ' | ');
  }
  const type = schema['type'];
  let text = Array.isArray(type) ? type.map(str).join(' | ') : str(type) || 'any';
  const properties = Object.entries(obj(schema['properties']));
  const values = obj(schema['additionalProperties']);
  if (text === 'array') text = `array of ${renderType(obj(schema['items']))}`;
  else if (text === 'object' && properties.length > 0) {
    text = `{ ${properties.map(([name, p]) => `${esc(name)}: ${renderType(obj(p))}`).join(', ')} }`;
  } else if (text === 'object' && Object.keys(values).length > 0) {
    text = `map of ${renderType(values)}`;
  } else text = esc(text);
  const notes: string[] = [];
  if (schema['const'] !== undefined) notes.push(`= ${esc(JSON.stringify(schema['const']))}`);
  if (Array.isArray(schema['enum']))
    notes.push(`one of ${esc(schema['enum'].map((v) => JSON.stringify(v)).join(', '))}`);
  if (str(schema['pattern'])) notes.push(`<code>${esc(str(schema['pattern']))}</code>`);
  if (str(schema['format'])) notes.push(esc(str(schema['format'])));
  if (typeof schema['minimum'] === 'number' || typeof schema['maximum'] === 'number') {
    notes.push(`${esc(str(schema['minimum']) || '…')}..${esc(str(schema['maximum']) || '…')}`);
  }
  if (str(schema['description'])) notes.push(esc(str(schema['description'])));
  if (schema['example'] !== undefined)
    notes.push(`e.g. <code>${esc(JSON.stringify(schema['example']))}</code>`);
  return notes.length > 0 ? `${text} <span class="note">${notes.join(' · ')}</span>` : text;
}

function obj(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}
function anchor(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-');
}
export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
:root{color-scheme:light;--ink:#0f172a;--mute:#64748b;--line:#e2e8f0;--bg:#f8fafc}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:24px 32px;background:#0f172a;color:#f8fafc}
header h1{margin:0;font-size:22px}
header small{font-weight:400;color:#94a3b8;font-size:13px}
header p{margin:6px 0 0;color:#cbd5e1}
header a{color:#7dd3fc}
main{max-width:1100px;margin:0 auto;padding:16px 32px 48px}
nav ul{list-style:none;padding:0;columns:2}
nav li{margin:2px 0}
nav a{color:inherit;text-decoration:none}
.op,.schema{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 18px;margin:14px 0}
.op h3,.schema h3{margin:0 0 6px;font-size:16px}
.summary{margin:0 0 8px;color:#334155}
.security{color:var(--mute)}
table{width:100%;border-collapse:collapse;margin:8px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--mute);font-size:12px;text-transform:uppercase;letter-spacing:.03em}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f1f5f9;padding:1px 4px;border-radius:4px}
.note{color:var(--mute)}
.m{display:inline-block;min-width:54px;text-align:center;font:700 11px ui-monospace,monospace;padding:2px 6px;border-radius:4px;color:#fff}
.m.get{background:#0284c7}.m.post{background:#16a34a}.m.put,.m.patch{background:#d97706}.m.delete{background:#dc2626}
.code{font-weight:700}.c2{color:#16a34a}.c4{color:#d97706}.c5{color:#dc2626}
`;
