/**
 * Damage at a read-out (issue 14, section 6): the Juvenile Arthritis Damage Index (JADI-A,
 * JADI-E; docs/clinical/jadi.md) at the baseline visit and at the read-out visit, where it was
 * recorded there. Damage is long-term: a read-out lists each subject's values and counts who got
 * worse (a higher index) or better, and gives no test: with six patients and an index that moves
 * slowly, a p-value would suggest more than the data hold [D]. An assessment with an item missing
 * is incomplete and has no index (`incomplete` names the subject), never a partial sum.
 */
import { type JadiPart, scoreJadi } from '@jia-trial/outcomes';
import type { TimelineVisit } from '@jia-trial/protocol';

export interface DamageValues {
  readonly jadiA: number | null;
  readonly jadiE: number | null;
}

export interface DamageAtReadout {
  /** Subjects with JADI items recorded at the baseline or the read-out visit. */
  readonly subjects: ReadonlyArray<{
    readonly subjectId: string;
    readonly baseline: DamageValues | null;
    readonly readout: DamageValues | null;
  }>;
  /** Subjects whose recorded JADI-A (or JADI-E) lacks an item at either visit. */
  readonly incomplete: readonly string[];
  /** With JADI-A at both visits: how many, and how many higher or lower at the read-out. */
  readonly jadiAPairs: number;
  readonly jadiAWorse: number;
  readonly jadiABetter: number;
  readonly jadiEPairs: number;
  readonly jadiEWorse: number;
  readonly jadiEBetter: number;
  /** JADI-E's items are recalled, not read at the source (docs/clinical/jadi.md). */
  readonly jadiEEvidence: 'M';
}

function valuesAt(
  visit: TimelineVisit | null,
): { values: DamageValues; incomplete: boolean } | null {
  if (!visit?.damage) return null;
  const { articular, extraArticular } = scoreJadi(visit.damage);
  const recorded = (part: JadiPart) => part.recordedSum !== null;
  return {
    values: { jadiA: articular.value, jadiE: extraArticular.value },
    incomplete:
      (recorded(articular) && !articular.complete) ||
      (recorded(extraArticular) && !extraArticular.complete),
  };
}

export function damageAtReadout(
  pairs: ReadonlyArray<{ subjectId: string; baseline: TimelineVisit; readout: TimelineVisit }>,
): DamageAtReadout {
  const subjects = pairs.flatMap(({ subjectId, baseline, readout }) => {
    const b = valuesAt(baseline);
    const r = valuesAt(readout);
    return b || r
      ? [
          {
            subjectId,
            baseline: b?.values ?? null,
            readout: r?.values ?? null,
            incomplete: !!(b?.incomplete || r?.incomplete),
          },
        ]
      : [];
  });
  const change = (key: keyof DamageValues) => {
    const both = subjects.flatMap((s) => {
      const b = s.baseline?.[key];
      const r = s.readout?.[key];
      return typeof b === 'number' && typeof r === 'number' ? [r - b] : [];
    });
    return {
      pairs: both.length,
      worse: both.filter((d) => d > 0).length,
      better: both.filter((d) => d < 0).length,
    };
  };
  const a = change('jadiA');
  const e = change('jadiE');
  return {
    subjects: subjects.map(({ subjectId, baseline, readout }) => ({
      subjectId,
      baseline,
      readout,
    })),
    incomplete: subjects.filter((s) => s.incomplete).map((s) => s.subjectId),
    jadiAPairs: a.pairs,
    jadiAWorse: a.worse,
    jadiABetter: a.better,
    jadiEPairs: e.pairs,
    jadiEWorse: e.worse,
    jadiEBetter: e.better,
    jadiEEvidence: 'M',
  };
}
