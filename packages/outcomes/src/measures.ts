/**
 * Every scored measure of the library, with its citations: the list the documentation and the
 * citation test walk (each needs docs/clinical/<id>.md citing its DOI or PMID).
 */
import { chaqMeasure } from './chaq.js';
import type { MeasureInfo } from './citations.js';
import { clinicalRemissionMeasure } from './clinical-remission.js';
import { coreSetMeasure } from './core-set.js';
import { flareMeasure } from './flare.js';
import { ilarCategoriesMeasure } from './ilar-categories.js';
import { inactiveDiseaseMeasure } from './inactive-disease.js';
import { jadasMeasure } from './jadas.js';
import { jadasCutoffsMeasure } from './jadas-cutoffs.js';
import { jadiMeasure } from './jadi.js';
import { jiaAcrMeasure } from './jia-acr.js';
import { jointCountsMeasure } from './joints/joint-counts.js';
import { labUnitsMeasure } from './lab-units.js';
import { mas2016Measure } from './mas.js';
import { masTrendMeasure } from './mas-trend.js';
import { msScoreMeasure } from './ms-score.js';

export const MEASURES: readonly MeasureInfo[] = [
  jointCountsMeasure,
  coreSetMeasure,
  jiaAcrMeasure,
  flareMeasure,
  jadasMeasure,
  jadasCutoffsMeasure,
  inactiveDiseaseMeasure,
  clinicalRemissionMeasure,
  chaqMeasure,
  jadiMeasure,
  mas2016Measure,
  msScoreMeasure,
  masTrendMeasure,
  labUnitsMeasure,
  ilarCategoriesMeasure,
];
