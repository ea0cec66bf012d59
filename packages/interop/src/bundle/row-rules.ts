/**
 * Rules between the columns of one bundle row (the database enforces the same ones with CHECK
 * constraints, migrations/0002_trial_schema.sql; here they get a message a data manager can act
 * on). Values are validated cell texts; dates are ISO, so they compare as strings.
 */

import { type BundleFileName, codesOf } from '@jia-trial/dictionary';
import type { Issue } from '@jia-trial/errors';

/** A rule's finding: the column it is about (its path within the row) and why. */
type RuleProblem = Issue & { readonly column: string };

type Values = ReadonlyMap<string, string>;

function problem(out: RuleProblem[], column: string, message: string): void {
  out.push({ path: column, column, message });
}

function notBefore(values: Values, later: string, earlier: string, out: RuleProblem[]): void {
  const a = values.get(later);
  const b = values.get(earlier);
  if (a !== undefined && b !== undefined && a < b.slice(0, a.length))
    problem(out, later, `${a} is before ${earlier} ${b}`);
}

const RULES: Partial<Record<BundleFileName, (values: Values, out: RuleProblem[]) => void>> = {
  'subjects.csv': (v, out) => {
    notBefore(v, 'diagnosis_date', 'birth_date', out);
    notBefore(v, 'enrolment_date', 'diagnosis_date', out);
    notBefore(v, 'withdrawal_date', 'enrolment_date', out);
    notBefore(v, 'withdrawal_date', 'diagnosis_date', out);
    if (v.has('withdrawal_reason') && !v.has('withdrawal_date'))
      problem(out, 'withdrawal_reason', 'a withdrawal reason needs a withdrawal_date');
  },
  'medications.csv': (v, out) => {
    notBefore(v, 'stop_date', 'start_date', out);
    if (v.has('stop_reason') && !v.has('stop_date'))
      problem(out, 'stop_reason', 'a stop reason needs a stop_date');
  },
  'adverse_events.csv': (v, out) => {
    for (const column of ['resolution_date', 'awareness_date', 'reported_date'])
      notBefore(v, column, 'onset_date', out);
    const serious = v.get('serious') === 'true';
    const criteria = v.get('seriousness_criteria');
    const known = codesOf('seriousness_criterion');
    if (criteria !== undefined) {
      if (!serious) problem(out, 'seriousness_criteria', 'given for an AE that is not serious');
      for (const criterion of criteria.split(';'))
        if (!known.includes(criterion))
          problem(
            out,
            'seriousness_criteria',
            `${JSON.stringify(criterion)} is not one of: ${known.join(', ')} (separate several with ;)`,
          );
    }
    const meddra = v.get('meddra_code');
    if (meddra !== undefined && !/^\d{8}$/.test(meddra))
      problem(out, 'meddra_code', `${JSON.stringify(meddra)} is not an 8-digit MedDRA code`);
    // CTCAE v5: grade 5 is death related to the AE, which is serious by definition (ICH E2A).
    if (v.get('grade') === '5') {
      if (!serious) problem(out, 'serious', 'a grade 5 AE (death) is serious');
      if (v.get('outcome') !== 'fatal')
        problem(out, 'outcome', 'a grade 5 AE (death) has outcome fatal');
    }
  },
};

export function checkRowRules(file: BundleFileName, values: Values): RuleProblem[] {
  const out: RuleProblem[] = [];
  RULES[file]?.(values, out);
  return out;
}
