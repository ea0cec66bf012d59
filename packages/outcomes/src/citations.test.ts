import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLINICAL_DOCS, withSources } from '../../../scripts/render-clinical-sources.js';
import { CITATIONS, type Citation } from './citations.js';
import { MEASURES } from './measures.js';

describe('every measure cites its primary sources', () => {
  it('lists each measure once', () => {
    const ids = MEASURES.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  for (const measure of MEASURES) {
    describe(measure.id, () => {
      it('cites at least one registered source', () => {
        assert.ok(measure.citations.length > 0, `${measure.id} cites nothing`);
        for (const key of measure.citations) assert.ok(key in CITATIONS, `unknown citation ${key}`);
      });

      it('can be found by DOI or PMID', () => {
        for (const key of measure.citations) {
          const c: Citation = CITATIONS[key];
          const ids = [c.doi, c.pmid, c.unconfirmed?.doi, c.unconfirmed?.pmid].filter(Boolean);
          assert.ok(ids.length > 0, `${key} has neither a DOI nor a PMID`);
          if (c.evidence === 'V')
            assert.ok(c.doi || c.pmid, `${key} is marked verified without a confirmed identifier`);
        }
      });

      it('is documented in docs/clinical with its sources up to date', () => {
        const path = new URL(`${measure.id}.md`, CLINICAL_DOCS);
        assert.ok(existsSync(path), `docs/clinical/${measure.id}.md is missing`);
        const text = readFileSync(path, 'utf8');
        assert.equal(text, withSources(text, measure), 'run scripts/render-clinical-sources.ts');
        for (const key of measure.citations) {
          const c: Citation = CITATIONS[key];
          for (const id of [c.doi, c.pmid])
            if (id) assert.ok(text.includes(id), `${measure.id}.md lacks ${id}`);
        }
      });
    });
  }

  it('keeps identifiers well formed', () => {
    for (const [key, c] of Object.entries(CITATIONS) as [string, Citation][]) {
      for (const doi of [c.doi, c.unconfirmed?.doi])
        if (doi) assert.match(doi, /^10\.\d{4,}\//, key);
      for (const pmid of [c.pmid, c.unconfirmed?.pmid])
        if (pmid) assert.match(pmid, /^\d{7,8}$/, key);
    }
  });
});
