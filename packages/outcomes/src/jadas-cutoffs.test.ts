import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IlarCategory } from './ilar-categories.js';
import { type BandedScore, type CutoffSetId, classifyJadas } from './jadas-cutoffs.js';

type Row = [
  label: string,
  set: CutoffSetId,
  score: BandedScore,
  category: IlarCategory,
  value: number,
  band: string | null,
];

const rows: Row[] = [
  // Consolaro 2012/2014, polyarticular course, JADAS-10: both sides of each published cut-off.
  [
    'Consolaro 2012/2014 poly',
    'consolaro',
    'jadas10',
    'polyarticular_rf_negative',
    1.0,
    'inactive',
  ],
  ['Consolaro 2012/2014 poly', 'consolaro', 'jadas10', 'polyarticular_rf_negative', 1.05, 'low'],
  ['Consolaro 2012/2014 poly', 'consolaro', 'jadas10', 'polyarticular_rf_negative', 3.8, 'low'],
  [
    'Consolaro 2012/2014 poly',
    'consolaro',
    'jadas10',
    'polyarticular_rf_negative',
    3.85,
    'moderate',
  ],
  [
    'Consolaro 2012/2014 poly',
    'consolaro',
    'jadas10',
    'polyarticular_rf_negative',
    10.5,
    'moderate',
  ],
  ['Consolaro 2012/2014 poly', 'consolaro', 'jadas10', 'polyarticular_rf_negative', 10.6, 'high'],
  [
    'Consolaro 2014 HDA is strictly above 10.5',
    'consolaro',
    'jadas71',
    'oligoarticular_extended',
    10.500001,
    'high',
  ],
  [
    'Consolaro 2014 JADAS-27 poly HDA > 8.5',
    'consolaro',
    'jadas27',
    'polyarticular_rf_positive',
    8.5,
    'moderate',
  ],
  [
    'Consolaro 2014 JADAS-27 poly HDA > 8.5',
    'consolaro',
    'jadas27',
    'polyarticular_rf_positive',
    8.6,
    'high',
  ],
  // Consolaro 2012/2014, oligoarticular, JADAS-27.
  ['Consolaro 2012/2014 oligo', 'consolaro', 'jadas27', 'oligoarticular_persistent', 2.0, 'low'],
  [
    'Consolaro 2012/2014 oligo',
    'consolaro',
    'jadas27',
    'oligoarticular_persistent',
    4.2,
    'moderate',
  ],
  ['Consolaro 2012/2014 oligo', 'consolaro', 'jadas27', 'oligoarticular_persistent', 4.25, 'high'],
  [
    'Consolaro 2012 oligo ID <= 1',
    'consolaro',
    'jadas10',
    'oligoarticular_persistent',
    1,
    'inactive',
  ],
  [
    'Consolaro 2012 oligo MDA <= 2',
    'consolaro',
    'jadas10',
    'oligoarticular_persistent',
    2.05,
    'moderate',
  ],
  // Consolaro 2014 cJADAS-10.
  ['Consolaro 2014 cJADAS oligo', 'consolaro', 'cjadas10', 'oligoarticular_persistent', 1.5, 'low'],
  [
    'Consolaro 2014 cJADAS oligo',
    'consolaro',
    'cjadas10',
    'oligoarticular_persistent',
    1.51,
    'moderate',
  ],
  [
    'Consolaro 2014 cJADAS oligo',
    'consolaro',
    'cjadas10',
    'oligoarticular_persistent',
    4,
    'moderate',
  ],
  [
    'Consolaro 2014 cJADAS oligo',
    'consolaro',
    'cjadas10',
    'oligoarticular_persistent',
    4.01,
    'high',
  ],
  ['Consolaro 2014 cJADAS poly', 'consolaro', 'cjadas10', 'polyarticular_rf_negative', 2.5, 'low'],
  [
    'Consolaro 2014 cJADAS poly',
    'consolaro',
    'cjadas10',
    'polyarticular_rf_negative',
    8.5,
    'moderate',
  ],
  [
    'Consolaro 2014 cJADAS poly',
    'consolaro',
    'cjadas10',
    'polyarticular_rf_negative',
    8.51,
    'high',
  ],
  // Psoriatic, enthesitis-related and undifferentiated JIA: no Consolaro cut-off was derived
  // for them; the polyarticular column only when the extrapolation is asked for by name.
  ['no Consolaro band for psoriatic JIA', 'consolaro', 'jadas27', 'psoriatic', 8.6, null],
  ['no Consolaro band for ERA', 'consolaro', 'jadas10', 'enthesitis_related', 0.5, null],
  ['no Consolaro band for undifferentiated', 'consolaro', 'cjadas10', 'undifferentiated', 9, null],
  [
    'extrapolated: psoriatic, JADAS-27 poly HDA > 8.5',
    'consolaro-extrapolated',
    'jadas27',
    'psoriatic',
    8.5,
    'moderate',
  ],
  [
    'extrapolated: psoriatic, JADAS-27 poly HDA > 8.5',
    'consolaro-extrapolated',
    'jadas27',
    'psoriatic',
    8.6,
    'high',
  ],
  [
    'extrapolated: ERA, ID <= 1',
    'consolaro-extrapolated',
    'jadas10',
    'enthesitis_related',
    1,
    'inactive',
  ],
  [
    'extrapolated: ERA, ID <= 1',
    'consolaro-extrapolated',
    'jadas10',
    'enthesitis_related',
    1.05,
    'low',
  ],
  [
    'extrapolated: undifferentiated, cJADAS poly LDA <= 2.5',
    'consolaro-extrapolated',
    'cjadas10',
    'undifferentiated',
    2.5,
    'low',
  ],
  [
    'extrapolated: undifferentiated, cJADAS poly LDA <= 2.5',
    'consolaro-extrapolated',
    'cjadas10',
    'undifferentiated',
    2.51,
    'moderate',
  ],
  [
    'extrapolated leaves the validated categories as they were',
    'consolaro-extrapolated',
    'jadas27',
    'oligoarticular_persistent',
    4.25,
    'high',
  ],
  // Trincianti 2021 (each cut-off value in the lower state).
  [
    'Trincianti 2021 oligo',
    'trincianti2021',
    'jadas10',
    'oligoarticular_persistent',
    1.4,
    'inactive',
  ],
  [
    'Trincianti 2021 oligo (1.45 is not <= 1.4)',
    'trincianti2021',
    'jadas10',
    'oligoarticular_persistent',
    1.45,
    'low',
  ],
  ['Trincianti oligo', 'trincianti2021', 'jadas10', 'oligoarticular_persistent', 4, 'low'],
  ['Trincianti oligo', 'trincianti2021', 'jadas10', 'oligoarticular_persistent', 4.05, 'moderate'],
  [
    'Trincianti 2021 oligo',
    'trincianti2021',
    'jadas10',
    'oligoarticular_persistent',
    13,
    'moderate',
  ],
  ['Trincianti 2021 oligo', 'trincianti2021', 'jadas10', 'oligoarticular_persistent', 13.5, 'high'],
  [
    'Trincianti RF- poly JADAS-10',
    'trincianti2021',
    'jadas10',
    'polyarticular_rf_negative',
    2.7,
    'inactive',
  ],
  [
    'Trincianti RF- poly JADAS-10',
    'trincianti2021',
    'jadas10',
    'polyarticular_rf_negative',
    17,
    'moderate',
  ],
  [
    'Trincianti RF- poly JADAS-10',
    'trincianti2021',
    'jadas10',
    'polyarticular_rf_negative',
    17.1,
    'high',
  ],
  [
    'Trincianti 2021 RF- poly cJADAS',
    'trincianti2021',
    'cjadas10',
    'polyarticular_rf_negative',
    2.5,
    'inactive',
  ],
  [
    'Trincianti 2021 RF- poly cJADAS',
    'trincianti2021',
    'cjadas10',
    'polyarticular_rf_negative',
    16,
    'moderate',
  ],
  [
    'Trincianti 2021 RF- poly cJADAS',
    'trincianti2021',
    'cjadas10',
    'polyarticular_rf_negative',
    16.5,
    'high',
  ],
  [
    'Trincianti oligo cJADAS',
    'trincianti2021',
    'cjadas10',
    'oligoarticular_persistent',
    1.1,
    'inactive',
  ],
  [
    'Trincianti oligo cJADAS',
    'trincianti2021',
    'cjadas10',
    'oligoarticular_persistent',
    12.1,
    'high',
  ],
  // Not validated: no band rather than a borrowed one.
  ['Trincianti does not cover systemic JIA', 'trincianti2021', 'jadas10', 'systemic', 5, null],
  [
    'Trincianti does not cover RF+ poly',
    'trincianti2021',
    'jadas10',
    'polyarticular_rf_positive',
    5,
    null,
  ],
  [
    'Trincianti publishes no JADAS-71 cut-offs',
    'trincianti2021',
    'jadas71',
    'oligoarticular_persistent',
    5,
    null,
  ],
];

describe('JADAS bands in systemic JIA (Consolaro 2012: without systemic features only)', () => {
  it('bands a systemic patient without systemic features with the polyarticular cut-offs', () => {
    assert.equal(classifyJadas(8.6, 'jadas27', 'systemic', 'consolaro', false), 'high');
    assert.equal(classifyJadas(1, 'jadas10', 'systemic', 'consolaro', false), 'inactive');
  });
  it('gives no band with systemic features present or unknown', () => {
    assert.equal(classifyJadas(0, 'jadas10', 'systemic', 'consolaro', true), null);
    assert.equal(classifyJadas(0, 'jadas10', 'systemic', 'consolaro', null), null);
    assert.equal(classifyJadas(0, 'jadas10', 'systemic'), null);
  });
});

describe('JADAS disease-activity bands', () => {
  for (const [label, set, score, category, value, band] of rows) {
    it(`${label}: ${score} ${value} (${category}) -> ${band}`, () => {
      assert.equal(classifyJadas(value, score, category, set), band);
    });
  }
});
