/**
 * The study's report (GET /studies/{studyId}/report, `report.read`) as readable tables, and the
 * study export (GET /studies/{studyId}/export, a ZIP of the bundle's CSV files) for a role
 * holding `export`. A pseudonymised report (the statistician, the DSMB: docs/roles.md) says so
 * at the top, so that a reader knows why it shows study days where others see dates.
 */
import { useEffect, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { Problem } from '../forms';
import { isObject, type Json, listOf, objectOf, textOf } from '../subject/read';
import type { Loaded } from '../subject/use-subject-page';
import { ScrollBox } from '../table';
import {
  Decisions,
  Multiplicity,
  Products,
  ReadoutListings,
  SeriesReadOuts,
} from './ReportDecisions';
import { AeDetails } from './ReportSafety';
import { AeComparison, BaselineTable, InfusionTable, ReadOut, SeriousAndMas } from './ReportTables';
import { may, useStudyAccess } from './use-study-access';
import './review.css';

/** Further AE comparisons of the report, after the primary window, with their titles. */
const AE_SUBSETS = [
  ['sensitivity', 'Sensitivity window'],
  ['serious', 'Serious adverse events'],
  ['grade3OrMore', 'CTCAE grade 3 or more'],
] as const;

export function StudyReport({ studyId }: { readonly studyId: string }) {
  const access = useStudyAccess(studyId);
  const [report, setReport] = useState<Loaded<Json>>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    setReport({ kind: 'loading' });
    void api
      .GET('/api/v1/studies/{studyId}/report', { params: { path: { studyId } } })
      .then(({ data, error }) => {
        if (live)
          setReport(
            data ? { kind: 'ok', value: data } : { kind: 'problem', text: messageOf(error) },
          );
      });
    return () => {
      live = false;
    };
  }, [studyId]);

  const exportLink = may(access, 'export', null) && (
    <p>
      {/* A plain link: the session cookie goes with it, and the server names the file. */}
      <a
        className="button-link"
        href={`/api/v1/studies/${encodeURIComponent(studyId)}/export`}
        download
      >
        Download the study export (ZIP of CSV files)
      </a>
    </p>
  );
  if (report.kind === 'loading') return <p className="loading">Loading…</p>;
  if (report.kind === 'problem')
    return (
      <>
        <Problem text={report.text} />
        {exportLink}
      </>
    );
  const r = report.value;
  const protocol = objectOf(r.protocol);
  const ae = objectOf(r.adverseEvents);
  const efficacy = Object.entries(objectOf(r.efficacy)).filter(([, v]) => isObject(v));
  const bySeries = objectOf(r.efficacyBySeries);
  return (
    <div className="study-report">
      {r.synthetic === true && (
        <p className="notice synthetic">
          <strong>Synthetic data:</strong> the patients of this study are invented
          {textOf(r.note) ? ` (${textOf(r.note)})` : ''}; no result here is a finding about real
          children.
        </p>
      )}
      {r.pseudonymised === true && (
        <p className="notice pseudonymised">
          <strong>Pseudonymised:</strong> subjects are named by their codes only and every date of a
          subject is given as its study day (day 1: enrolment, else the first visit, else the
          diagnosis).
        </p>
      )}
      <p className="as-of">
        Data up to {textOf(r.asOf)}; protocol {textOf(protocol.id)} version{' '}
        {textOf(protocol.version)}: {textOf(protocol.title)}. {String(r.subjects ?? '—')} subjects
        {listOf(r.notInfused).length > 0 && `, ${listOf(r.notInfused).length} not infused`}.
      </p>
      {exportLink}

      <h2>Baseline</h2>
      <div className="scroll">
        <BaselineTable baseline={objectOf(r.baseline)} />
      </div>

      <h2>Infusions</h2>
      <div className="scroll">
        <InfusionTable infusions={objectOf(r.infusions)} />
      </div>
      <Products infusions={objectOf(r.infusions)} />

      <h2>Adverse events before and after the first infusion</h2>
      <ScrollBox label="Adverse events, primary window">
        <AeComparison title="All adverse events, primary window" comparison={ae} />
      </ScrollBox>
      <AeDetails ae={ae} />
      <ScrollBox label="Adverse events, other windows and subsets">
        {AE_SUBSETS.map(([key, title]) =>
          isObject(ae[key]) ? <AeComparison key={key} title={title} comparison={ae[key]} /> : null,
        )}
      </ScrollBox>
      <h3>Serious adverse events and MAS</h3>
      <div className="scroll">
        <SeriousAndMas events={listOf(ae.seriousAndMas)} />
      </div>

      <h2>Efficacy</h2>
      {efficacy.length === 0 && <p>No read-out in this report.</p>}
      {efficacy.map(([id, readout]) => (
        <section key={id} aria-label={`Read-out ${textOf(objectOf(readout).label) ?? id}`}>
          <h3>{textOf(objectOf(readout).label) ?? id}</h3>
          <ScrollBox label={`${textOf(objectOf(readout).label) ?? id}: the measures`}>
            <ReadOut readout={objectOf(readout)} />
          </ScrollBox>
          <ReadoutListings readout={objectOf(readout)} />
          <SeriesReadOuts series={listOf(bySeries[id])} />
        </section>
      ))}
      <Multiplicity multiplicity={objectOf(r.multiplicity)} />

      {isObject(r.decisions) && (
        <>
          <h2>Retreatment and eligibility at the data cut</h2>
          <Decisions decisions={r.decisions} />
        </>
      )}
    </div>
  );
}
