/**
 * Renders the "## Sources" section of each docs/clinical/<measure>.md from the citation
 * registry (packages/outcomes/src/citations.ts), so the documents and the code cite the same
 * identifiers. `citations.test.ts` fails when a document is out of date.
 * Usage: node --conditions=source --import tsx scripts/render-clinical-sources.ts [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import {
  CITATIONS,
  type Citation,
  type CitationKey,
  MEASURES,
  type MeasureInfo,
} from '@jia-trial/outcomes';

export const CLINICAL_DOCS = new URL('../docs/clinical/', import.meta.url);

export function renderCitation(key: CitationKey): string {
  const c: Citation = CITATIONS[key];
  const where = [c.volume, c.pages].filter(Boolean).join(':');
  const ids = [c.doi && `doi:${c.doi}`, c.pmid && `PMID ${c.pmid}`, c.pmcid && c.pmcid].filter(
    Boolean,
  );
  const unconfirmed = [
    c.unconfirmed?.doi && `doi:${c.unconfirmed.doi}`,
    c.unconfirmed?.pmid && `PMID ${c.unconfirmed.pmid}`,
  ].filter(Boolean);
  const parts = [
    `- \`${key}\`: ${c.authors}. ${c.title}. ${c.journal} ${c.year}${where ? `;${where}` : ''}.`,
    ids.length > 0 ? ` ${ids.join(', ')}.` : '',
    unconfirmed.length > 0
      ? ` Unconfirmed: ${unconfirmed.join(', ')} (to be checked at PubMed).`
      : '',
    ` Evidence: ${c.evidence === 'V' ? 'V (identifiers read at PubMed or the publisher)' : 'S (secondary source only)'}.`,
    c.note ? ` ${c.note}` : '',
  ];
  return parts.join('');
}

export function renderSources(measure: MeasureInfo): string {
  return `## Sources\n\n<!-- Generated from packages/outcomes/src/citations.ts by scripts/render-clinical-sources.ts -->\n${measure.citations.map(renderCitation).join('\n')}\n`;
}

/** The document with its Sources section (the last section) replaced. */
export function withSources(document: string, measure: MeasureInfo): string {
  const at = document.indexOf('\n## Sources');
  const head = at < 0 ? `${document.trimEnd()}\n` : document.slice(0, at + 1);
  return `${head}\n${renderSources(measure)}`.replace(/\n{3,}/g, '\n\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const measure of MEASURES) {
    const path = new URL(`${measure.id}.md`, CLINICAL_DOCS);
    const current = readFileSync(path, 'utf8');
    const next = withSources(current, measure);
    if (next === current) continue;
    stale++;
    if (!check) writeFileSync(path, next);
    console.log(`${check ? 'out of date' : 'updated'}: docs/clinical/${measure.id}.md`);
  }
  if (check && stale > 0) process.exit(1);
}
