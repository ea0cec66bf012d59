/**
 * The two trends of the subject page: disease activity (JADAS-10 with its clinical variant
 * cJADAS-10, both 0-40; Consolaro 2009, McErlane 2013) and the active joint count, each with the
 * infusion days marked, since the question is what changed after an infusion.
 */
import type { SubjectRecords } from './subject-data';
import { TrendChart } from './TrendChart';

export function SubjectTrends({ records }: { readonly records: SubjectRecords }) {
  const infusions = records.infusions.map((i) => i.date);
  const point = (value: (v: SubjectRecords['visits'][number]) => number | null) =>
    records.visits.map((v) => ({ date: v.date, label: v.visitId, value: value(v) }));
  return (
    <div className="charts">
      <TrendChart
        id="jadas-chart"
        title="JADAS-10 and cJADAS-10"
        unit="score (0–40)"
        series={[
          { name: 'JADAS-10', points: point((v) => v.jadas10) },
          { name: 'cJADAS-10', points: point((v) => v.cjadas10) },
        ]}
        infusions={infusions}
      />
      <TrendChart
        id="joints-chart"
        title="Active joints"
        unit="joints (count)"
        series={[{ name: 'Active joints', points: point((v) => v.activeJoints) }]}
        infusions={infusions}
      />
    </div>
  );
}
