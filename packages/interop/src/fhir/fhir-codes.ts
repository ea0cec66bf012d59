/**
 * The code systems of jia-trial's FHIR R4 export (docs/interop.md, ADR 0028). LOINC where the
 * field dictionary gives a code (ESR, CRP, ferritin, ...; with UCUM units), else jia-trial's own
 * CodeSystem `measures`: one concept per field of a record (`<record>.<field>`), per record type
 * and per score, each score's concept defined with its citation (from @jia-trial/outcomes'
 * CITATIONS, never restated). The code lists of the dictionary are CodeSystems of their own
 * (`<base>/CodeSystem/<list>`). The canonical base is an identifier, not a page to fetch.
 */
import {
  CODE_LISTS,
  type CodeListId,
  type FieldDefinition,
  RECORD_TYPES,
  type RecordType,
} from '@jia-trial/dictionary';
import { CITATIONS, type CitationKey, MEASURES } from '@jia-trial/outcomes';
import type { CodeSystem, Coding } from 'fhir/r4.js';

/** jia-trial's canonical base for its FHIR artefacts (ADR 0028). */
export const FHIR_BASE = 'https://jia-trial.org/fhir';
export const MEASURES_SYSTEM = `${FHIR_BASE}/CodeSystem/measures`;
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
/** The CTCAE grade of an adverse event: R4's AdverseEvent has only `severity` (mild/moderate/severe). */
export const CTCAE_GRADE_EXTENSION = `${FHIR_BASE}/StructureDefinition/ctcae-grade`;
export const codeListSystem = (id: CodeListId) =>
  `${FHIR_BASE}/CodeSystem/${id.replaceAll('_', '-')}`;
export const SUBJECT_IDENTIFIER_SYSTEM = (studyId: string) =>
  `${FHIR_BASE}/study/${studyId}/subject`;
export const STUDY_IDENTIFIER_SYSTEM = `${FHIR_BASE}/study`;

/** Scores of a visit (the outcome library's VisitScores) and the measure whose sources they cite. */
export const SCORES = {
  jadas10: { display: 'JADAS-10', measure: 'jadas' },
  jadas27: { display: 'JADAS-27', measure: 'jadas' },
  jadas71: { display: 'JADAS-71', measure: 'jadas' },
  cjadas10: { display: 'cJADAS-10 (clinical JADAS, no acute phase reactant)', measure: 'jadas' },
  jadas10Crp: { display: 'JADAS-10 with CRP', measure: 'jadas' },
  acrPedi: {
    display: 'JIA-ACR (ACR Pedi) improvement level against the baseline',
    measure: 'jia-acr',
  },
  flare: { display: 'Flare against the baseline', measure: 'flare' },
  inactiveDisease: { display: 'Inactive disease', measure: 'inactive-disease' },
  mas2016: { display: '2016 classification criteria for MAS in systemic JIA', measure: 'mas-2016' },
  msScore: { display: 'MS score (MAS vs active systemic JIA)', measure: 'ms-score' },
} as const;
export type ScoreKey = keyof typeof SCORES;

/** Fields whose concept cites a measure (the core set, CHAQ, the joint counts). */
const FIELD_MEASURES: Readonly<Record<string, string>> = {
  'visit.physician_global': 'core-set',
  'visit.parent_global': 'core-set',
  'visit.chaq_di': 'chaq',
  'visit.active_joints': 'joint-counts',
  'visit.limited_joints': 'joint-counts',
  chaq_response: 'chaq',
  joint_finding: 'joint-counts',
};

export function citationText(key: CitationKey): string {
  const c = CITATIONS[key] as (typeof CITATIONS)[CitationKey] & { doi?: string; pmid?: string };
  const id = c.doi ? ` doi:${c.doi}` : c.pmid ? ` PMID:${c.pmid}` : '';
  return `${c.authors} (${c.year}). ${c.title}. ${c.journal}.${id}`;
}

function citing(measureId: string | undefined): string | undefined {
  const measure = MEASURES.find((m) => m.id === measureId);
  return measure ? `Sources: ${measure.citations.map(citationText).join(' | ')}` : undefined;
}

export const fieldCode = (record: RecordType, field: FieldDefinition) =>
  `${record.id}.${field.name}`;

/** The coding of a field's value: LOINC (by the unit entered, where it depends) or ours. */
export function fieldCoding(record: RecordType, field: FieldDefinition, unit?: string): Coding {
  const loinc = (unit && field.standardCodeByUnit?.[unit]) || field.standardCode;
  if (loinc) return { system: LOINC, code: loinc.code, display: loinc.display };
  return { system: MEASURES_SYSTEM, code: fieldCode(record, field), display: field.label };
}

export const recordCoding = (record: RecordType): Coding => ({
  system: MEASURES_SYSTEM,
  code: record.id,
  display: record.label,
});

export const scoreCoding = (score: ScoreKey): Coding => ({
  system: MEASURES_SYSTEM,
  code: `score.${score}`,
  display: SCORES[score].display,
});

/** jia-trial's `measures` CodeSystem: every concept the export may use. */
export function measuresCodeSystem(records: readonly RecordType[] = RECORD_TYPES): CodeSystem {
  const concept: NonNullable<CodeSystem['concept']> = [];
  for (const record of records) {
    concept.push({
      code: record.id,
      display: record.label,
      definition:
        citing(FIELD_MEASURES[record.id]) ??
        `A ${record.label.toLowerCase()} record of jia-trial's field dictionary`,
    });
    for (const field of record.fields.filter((f) => !f.missingFor))
      concept.push({
        code: fieldCode(record, field),
        display: field.label,
        definition:
          citing(FIELD_MEASURES[`${record.id}.${field.name}`]) ??
          `Field ${field.name} of the ${record.id} record (docs/field-dictionary.md)`,
      });
  }
  for (const [key, score] of Object.entries(SCORES))
    concept.push({
      code: `score.${key}`,
      display: score.display,
      definition: citing(score.measure) as string,
    });
  return {
    resourceType: 'CodeSystem',
    url: MEASURES_SYSTEM,
    name: 'JiaTrialMeasures',
    title: "jia-trial's fields, records and scores",
    status: 'active',
    content: 'complete',
    caseSensitive: true,
    concept,
  };
}

/** The dictionary's code lists as CodeSystems (ILAR categories, joints, CHAQ items, ...). */
export function codeListSystems(): CodeSystem[] {
  return Object.values(CODE_LISTS).map((list) => ({
    resourceType: 'CodeSystem',
    url: codeListSystem(list.id),
    name: list.id.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase()),
    title: list.label,
    status: 'active',
    content: 'complete',
    caseSensitive: true,
    description: `Source: ${list.source}`,
    concept: list.codes.map((c) => ({ code: c.code, display: c.label })),
  }));
}
