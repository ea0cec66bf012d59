/** A valid bundle of many visits, for the tests that interrupt an import while it runs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** `subjects` subjects with `visitsPerSubject` visits each, one a month from 2019. */
export function writeLargeBundle(dir: string, subjects: number, visitsPerSubject: number): string {
  mkdirSync(dir, { recursive: true });
  const subjectLines = [
    'subject_id,site,sex,birth_date,ilar_category,diagnosis_date,enrolment_date',
  ];
  const visitLines = ['subject_id,visit_id,visit_date,physician_global,parent_global'];
  for (let s = 0; s < subjects; s++) {
    const id = `P${pad(s, 6)}`;
    subjectLines.push(`${id},S${s % 10},F,2008-05,polyarticular_rf_negative,2015-01-10,2018-12-01`);
    for (let v = 0; v < visitsPerSubject; v++) {
      const date = `${2019 + Math.floor(v / 12)}-${pad((v % 12) + 1, 2)}-15`;
      visitLines.push(`${id},${id}-V${v},${date},${(s + v) % 11},${(s * v) % 11}`);
    }
  }
  writeFileSync(join(dir, 'subjects.csv'), `${subjectLines.join('\n')}\n`);
  writeFileSync(join(dir, 'visits.csv'), `${visitLines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'medications.csv'),
    'subject_id,drug,drug_class,start_date,stop_date,stop_reason\n',
  );
  writeFileSync(
    join(dir, 'infusions.csv'),
    'subject_id,infusion_date,weight_kg,cells_per_kg,total_cells,product_lot,infusion_reaction,donor_code,volume_ml,pre_heart_rate,pre_temperature_c,post_heart_rate,post_temperature_c\n',
  );
  writeFileSync(
    join(dir, 'adverse_events.csv'),
    'subject_id,ae_id,term,meddra_code,onset_date,resolution_date,grade,serious,seriousness_criteria,related,outcome,action_taken,awareness_date,reported_date\n',
  );
  return dir;
}
