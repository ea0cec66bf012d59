/**
 * The pages of a PDF as Chromium writes it, for the report's tests: for each page in order, how
 * many text-showing operators (Tj, TJ) its content stream holds, a measure of how full it is
 * (PDF 32000-1:2008, 7.7.3 page tree, 9.4.3 text-showing operators). Not a PDF reader: enough
 * for Chromium's output (uncompressed object dictionaries, Flate-compressed content streams).
 */
import { inflateSync } from 'node:zlib';

export function pdfPageTextRuns(pdf: Buffer): number[] {
  const text = pdf.toString('latin1');
  const objects = new Map<number, { body: string; start: number }>();
  for (const m of text.matchAll(/(\d+) 0 obj([\s\S]*?)endobj/g))
    objects.set(Number(m[1]), {
      body: m[2] as string,
      start: (m.index ?? 0) + m[0].indexOf('obj') + 3,
    });
  const contentOf = (id: number): string => {
    const object = objects.get(id);
    if (!object) return '';
    const at = object.body.search(/stream\r?\n/);
    if (at < 0) return '';
    const from = object.start + at + (object.body.slice(at).match(/^stream\r?\n/)?.[0].length ?? 0);
    const length = Number(/\/Length (\d+)/.exec(object.body)?.[1] ?? 0);
    const raw = pdf.subarray(from, from + length);
    try {
      return inflateSync(raw).toString('latin1');
    } catch {
      return raw.toString('latin1');
    }
  };
  const pages: number[] = [];
  const walk = (id: number) => {
    const body = objects.get(id)?.body ?? '';
    if (/\/Type\s*\/Pages\b/.test(body)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(body)?.[1] ?? '';
      for (const kid of kids.matchAll(/(\d+) 0 R/g)) walk(Number(kid[1]));
    } else {
      const contents = /\/Contents\s*(\d+) 0 R/.exec(body);
      pages.push(contents ? (contentOf(Number(contents[1])).match(/\bT[jJ]\b/g) ?? []).length : 0);
    }
  };
  const catalog = [...objects.values()].find((o) => /\/Type\s*\/Catalog\b/.test(o.body));
  const root = /\/Pages (\d+) 0 R/.exec(catalog?.body ?? '');
  if (root) walk(Number(root[1]));
  return pages;
}
