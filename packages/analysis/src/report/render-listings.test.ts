import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InfusionSummary } from '../study/baseline.js';
import type { ReadoutAnalysis } from '../study/efficacy.js';
import { damageParagraph, intercurrentParagraph, productsSection } from './render-listings.js';

const NO_DAMAGE: ReadoutAnalysis['damage'] = {
  subjects: [],
  incomplete: [],
  jadiAPairs: 0,
  jadiAWorse: 0,
  jadiABetter: 0,
  jadiEPairs: 0,
  jadiEWorse: 0,
  jadiEBetter: 0,
  jadiEEvidence: 'M',
};
const readout = (fields: Partial<ReadoutAnalysis>) =>
  ({
    label: 'Week 8',
    damage: NO_DAMAGE,
    intercurrentEvents: { strategy: 'treatment_policy', events: [], subjectsWithEvents: [] },
    ...fields,
  }) as ReadoutAnalysis;

describe('the report page lists products, damage and intercurrent events', () => {
  test('nothing recorded: said in words, no empty table', () => {
    assert.match(damageParagraph(readout({})), /not recorded at the baseline or Week 8 visits/);
    assert.match(intercurrentParagraph(readout({})), /none recorded/);
    assert.doesNotMatch(intercurrentParagraph(readout({})), /<table>/);
  });
  test('an injection and a steroid start, with dose, route and joints; the strategy named', () => {
    const html = intercurrentParagraph(
      readout({
        intercurrentEvents: {
          strategy: 'treatment_policy',
          events: [
            {
              subjectId: 'D01',
              kind: 'intra_articular_injection',
              drug: 'triamcinolone hexacetonide',
              eventDate: '2015-07-01',
              doseMg: 40,
              route: 'intra_articular',
              jointCodes: ['knee_l', 'knee_r'],
            },
            {
              subjectId: 'D02',
              kind: 'corticosteroid_started',
              drug: 'prednisolone',
              eventDate: '2015-10-01',
              doseMg: null,
              route: 'oral',
              jointCodes: [],
            },
          ],
          subjectsWithEvents: ['D01', 'D02'],
        },
      }),
    );
    assert.match(
      html,
      /intra-articular injection<\/td><td>triamcinolone hexacetonide<\/td><td>2015-07-01<\/td><td>40 mg<\/td><td>intra_articular<\/td><td>knee_l, knee_r/,
    );
    assert.match(
      html,
      /systemic corticosteroid started<\/td><td>prednisolone<\/td><td>2015-10-01<\/td><td>—/,
    );
    assert.match(html, /2 patient\(s\) with an event.*treatment-policy strategy \(ICH E9\(R1\)\)/);
  });
  test('damage: each subject, the counts, an incomplete assessment named', () => {
    const html = damageParagraph(
      readout({
        damage: {
          ...NO_DAMAGE,
          subjects: [
            {
              subjectId: 'D03',
              baseline: { jadiA: 2, jadiE: 0 },
              readout: { jadiA: 3, jadiE: null },
            },
          ],
          incomplete: ['D04'],
          jadiAPairs: 1,
          jadiAWorse: 1,
        },
      }),
    );
    assert.match(html, /<td>D03<\/td><td>2<\/td><td>3<\/td><td>0<\/td><td>—<\/td>/);
    assert.match(html, /JADI-A at both visits: 1, higher at the read-out 1, lower 0/);
    assert.match(html, /Incomplete \(an item missing, no index\): D04/);
  });
  test('products: viability as a percentage, viable cells, and how many infusions record them', () => {
    const infusions = {
      products: [
        {
          subjectId: 'D01',
          infusionDate: '2015-06-08',
          number: 1,
          cellsPerKg: 2e6,
          totalCells: 8.9e7,
          viabilityPct: 92.5,
          viableCells: 8.2325e7,
          passage: 3,
          productState: 'cryopreserved',
          donorCode: 'D-101',
          productLot: 'LOT-1',
        },
      ],
      productsRecorded: 1,
    } as unknown as InfusionSummary;
    const html = productsSection(infusions);
    assert.match(html, /1 of 1 infusions record viability/);
    assert.match(
      html,
      /<td>92.5%<\/td><td>8.23e\+7<\/td><td>3<\/td><td>cryopreserved<\/td><td>D-101<\/td>/,
    );
  });
});
