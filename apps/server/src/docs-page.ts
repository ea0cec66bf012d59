/**
 * The browsable API page (`/api/docs`): every route of the OpenAPI document with its summary,
 * parameters and responses, as plain HTML (no script, so the strict CSP holds; the document
 * itself is at /api/v1/openapi.json).
 */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface Operation {
  readonly summary?: string;
  readonly tags?: readonly string[];
  readonly parameters?: ReadonlyArray<{ name: string; in: string; required?: boolean }>;
  readonly requestBody?: unknown;
  readonly responses?: Readonly<Record<string, unknown>>;
}

export function apiDocsPage(document: {
  info: { title: string; version: string };
  paths?: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
}): string {
  const rows = Object.entries(document.paths ?? {}).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => {
      const params = (op.parameters ?? [])
        .map((p) => `${escapeHtml(p.name)} (${p.in}${p.required ? ', required' : ''})`)
        .join(', ');
      return `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td>
<td>${escapeHtml(op.summary ?? '')}</td><td>${params}${op.requestBody ? `${params ? '; ' : ''}JSON body` : ''}</td>
<td>${Object.keys(op.responses ?? {}).join(', ')}</td></tr>`;
    }),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:72rem}td,th{padding:.3rem .6rem;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}code{font-size:90%}</style>
</head><body>
<h1>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</h1>
<p>The machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
Errors: <code>{"error": {"code", "message", "issues": [{"path", "message"}]}}</code>.
Requests that change state carry the session's <code>X-CSRF-Token</code>.</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>parameters</th><th>responses</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
</body></html>
`;
}
