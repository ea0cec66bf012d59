/**
 * The serious AEs and MAS episodes of a study, each with its timing: days after the first and
 * after the latest preceding infusion, and days after the last biological was stopped (with its
 * target: an IL-1 or IL-6 blocker stopped in systemic JIA is the danger the pilot met: MAS 9
 * weeks after tocilizumab was stopped, Swart 2019). An AE is a MAS episode when its term names
 * it (MAS_TERM).
 */
import type { IlarCategory } from '@jia-trial/outcomes';
import { day, drugInfo, type ProtocolDefinition, type SubjectTimeline } from '@jia-trial/protocol';

export interface ListedEvent {
  readonly subjectId: string;
  readonly aeId: string;
  readonly term: string;
  readonly onsetDate: string;
  readonly grade: number;
  readonly serious: boolean;
  readonly mas: boolean;
  readonly daysAfterFirstInfusion: number | null;
  readonly daysAfterLatestInfusion: number | null;
  /** The last biological stopped before onset, with its target (IL-1 and IL-6 blockers matter for MAS). */
  readonly stoppedBlocker: {
    readonly drug: string;
    readonly target: string | null;
    readonly stopDate: string;
    readonly daysBefore: number;
  } | null;
  readonly ilarCategory: IlarCategory;
}

export const MAS_TERM = /macrophage activation|\bMAS\b|haemophagocytic|hemophagocytic/i;

export function listSeriousAndMas(
  protocol: ProtocolDefinition,
  timelines: readonly SubjectTimeline[],
): ListedEvent[] {
  return timelines.flatMap((t) =>
    t.adverseEvents
      .filter((ae) => ae.serious || MAS_TERM.test(ae.term))
      .map((ae) => {
        const onset = day(ae.onsetDate);
        const infusionsBefore = t.infusions.filter((i) => day(i.date) <= onset);
        const stops = t.medications
          .filter(
            (m) => m.drugClass === 'biologic' && m.stopDate !== null && day(m.stopDate) <= onset,
          )
          .sort((a, b) => ((a.stopDate ?? '') < (b.stopDate ?? '') ? 1 : -1));
        const stop = stops[0];
        return {
          subjectId: t.subjectId,
          aeId: ae.aeId,
          term: ae.term,
          onsetDate: ae.onsetDate,
          grade: ae.grade,
          serious: ae.serious,
          mas: MAS_TERM.test(ae.term),
          daysAfterFirstInfusion: t.infusions[0] ? onset - day(t.infusions[0].date) : null,
          daysAfterLatestInfusion:
            infusionsBefore.length > 0 ? onset - day(infusionsBefore.at(-1)?.date as string) : null,
          stoppedBlocker: stop?.stopDate
            ? {
                drug: stop.drug,
                target: drugInfo(protocol.drugs, stop.drug)?.target ?? null,
                stopDate: stop.stopDate,
                daysBefore: onset - day(stop.stopDate),
              }
            : null,
          ilarCategory: t.ilarCategory,
        };
      }),
  );
}
