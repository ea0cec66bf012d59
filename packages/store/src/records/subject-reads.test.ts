import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJiaError } from '@jia-trial/errors';
import { openTestDatabase, type TestDatabase } from '../test-support.js';
import { type SavedVisit, saveVisit, type VisitRecord } from '../visits.js';
import { createAdverseEvent } from './adverse-events.js';
import { createChaqAnswer } from './chaq-answers.js';
import { createEligibilityAssessment } from './eligibility.js';
import { createInfusion } from './infusions.js';
import { createJointFinding } from './joint-findings.js';
import { correctMedication, createMedication } from './medications.js';
import { asNurse, asStored, NURSE_SITES, STUDY, seedTwoSites } from './record-services.fixture.js';
import type { SiteScope } from './site-scope.js';
import { getSubject, listSubjects } from './subject-reads.js';

let db: TestDatabase;
/** The scores saveVisit gave each visit of P1 when it was saved. */
const savedScores = new Map<string, SavedVisit['scores']>();

const visits: VisitRecord[] = [
  {
    visitId: 'V0',
    subjectId: 'P1',
    visitDate: '2019-01-01',
    physicianGlobal: 6,
    parentGlobal: 5,
    chaqDi: 1.5,
    activeJoints: 10,
    limitedJoints: 8,
    esr: 40,
  },
  {
    visitId: 'V2',
    subjectId: 'P1',
    visitDate: '2019-03-01',
    baselineVisitId: 'V0',
    physicianGlobal: 3,
    parentGlobal: 4,
    chaqDi: 1,
    activeJoints: 1,
    limitedJoints: 7,
    esr: 60,
    crp: 1.2,
    crpUnit: 'mg/dL',
  },
  {
    visitId: 'V4',
    subjectId: 'P1',
    visitDate: '2019-06-01',
    physicianGlobal: 1,
    parentGlobal: 1,
    chaqDi: 0.25,
    activeJoints: 0,
    limitedJoints: 1,
    esr: 10,
  },
];

before(async () => {
  db = await openTestDatabase();
  await seedTwoSites(db);
  // The seed's V1 of P1 has no values; it is P1's earliest visit but one (2019-01-07).
  await asNurse(db, null, async (tx) => {
    for (const visit of visits)
      savedScores.set(visit.visitId, (await saveVisit(tx, STUDY, visit, null)).scores);
    await createJointFinding(
      tx,
      STUDY,
      { visitId: 'V2', jointCode: 'knee_l', swollen: true, tender: true, limited: false },
      NURSE_SITES,
    );
    await createChaqAnswer(
      tx,
      STUDY,
      { visitId: 'V2', item: 'eating_1', score: 'na', aidOrHelp: false },
      NURSE_SITES,
    );
    await createMedication(
      tx,
      STUDY,
      { subjectId: 'P1', drug: 'methotrexate', drugClass: 'csdmard', startDate: '2016-01-01' },
      NURSE_SITES,
    );
    await createInfusion(
      tx,
      STUDY,
      {
        subjectId: 'P1',
        infusionDate: '2019-01-02',
        weightKg: 30,
        cellsPerKg: 2e6,
        totalCells: 6e7,
        productLot: 'L1',
        infusionReaction: false,
      },
      {
        id: 'test',
        intervention: {
          name: 'MSC',
          route: 'iv',
          dosePerKg: 2e6,
          unit: 'cells',
          tolerancePercent: 10,
          concentrationPerMl: null,
          observationDays: 1,
        },
      },
      NURSE_SITES,
    );
    await createAdverseEvent(
      tx,
      STUDY,
      {
        subjectId: 'P1',
        aeId: 'AE1',
        term: 'Headache',
        onsetDate: '2019-01-03',
        grade: 1,
        serious: false,
        related: 'unlikely',
        outcome: 'recovered',
      },
      NURSE_SITES,
    );
    await createEligibilityAssessment(
      tx,
      STUDY,
      { subjectId: 'P1', criterionId: 'no_infection', value: true, assessedDate: '2018-12-01' },
      NURSE_SITES,
    );
  });
});
after(() => db.close());

describe('getSubject', () => {
  test('a subject with every record of theirs, each with its version and row id', async () => {
    const p1 = await getSubject(db.store, STUDY, 'P1', NURSE_SITES);
    assert.deepEqual(
      p1.subject.record,
      asStored('subject', {
        subjectId: 'P1',
        site: 'A',
        sex: 'F',
        birthDate: '2010-04',
        ilarCategory: 'systemic',
        diagnosisDate: '2015-01-01',
        enrolmentDate: '2019-01-01',
      }),
    );
    assert.equal(p1.subject.version, 1);
    assert.deepEqual(
      p1.visits.map((v) => v.record.visitId),
      ['V0', 'V1', 'V2', 'V4'],
      'by date',
    );
    assert.deepEqual(p1.visits[2]?.record, asStored('visit', visits[1]));
    const counts = [
      p1.jointFindings,
      p1.chaqAnswers,
      p1.medications,
      p1.infusions,
      p1.adverseEvents,
      p1.eligibilityAssessments,
    ].map((list) => list.length);
    assert.deepEqual(counts, [1, 1, 1, 1, 1, 1]);
    assert.equal(p1.chaqAnswers[0]?.record.score, 'na');
    assert.equal(p1.adverseEvents[0]?.record.awarenessDate, '2019-01-03', 'stored as the onset');
    for (const stored of [p1.subject, ...p1.visits, ...p1.medications, ...p1.infusions]) {
      assert.equal(stored.version, 1);
      assert.match(stored.rowId, /^\d+$/);
    }
  });

  test("each visit's scores are saveVisit's, against the same baseline", async () => {
    const p1 = await getSubject(db.store, STUDY, 'P1', NURSE_SITES);
    for (const visit of p1.visits.filter((v) => savedScores.has(v.record.visitId)))
      assert.deepEqual(visit.scores, savedScores.get(visit.record.visitId), visit.record.visitId);
    assert.equal(p1.visits[2]?.scores.acrPedi, 30, 'V2 against V0');
    const resaved = await asNurse(db, 'resave', (tx) =>
      saveVisit(tx, STUDY, { visitId: 'V1', subjectId: 'P1', visitDate: '2019-01-07', esr: 20 }, 1),
    );
    const again = await getSubject(db.store, STUDY, 'P1', NURSE_SITES);
    assert.deepEqual(
      again.visits[1]?.scores,
      resaved.scores,
      'V1 against V0, its earliest other visit',
    );
    assert.equal(again.visits[1]?.version, 2);
  });

  test('a subject outside the caller’s sites is NOT_FOUND exactly as a missing one', async () => {
    const refusal = async (subjectId: string, sites: SiteScope) => {
      try {
        await getSubject(db.store, STUDY, subjectId, sites);
      } catch (error) {
        assert.ok(isJiaError(error, 'NOT_FOUND'));
        return error.message.replace(subjectId, '<id>');
      }
      assert.fail(`${subjectId} was read`);
    };
    assert.equal(await refusal('P3', NURSE_SITES), await refusal('P404', NURSE_SITES));
    await refusal('P1', []);
    await refusal('P1', ['B']);
    assert.equal((await getSubject(db.store, STUDY, 'P3', 'all')).subject.record.site, 'B');
  });

  test('reads in a given transaction see its own changes', async () => {
    await asNurse(db, 'correct the drug', async (tx) => {
      const before = await getSubject(tx, STUDY, 'P1', NURSE_SITES);
      const medication = before.medications[0];
      assert.ok(medication);
      await correctMedication(
        tx,
        STUDY,
        medication.rowId,
        { ...medication.record, drug: 'methotrexate sc' },
        medication.version,
        NURSE_SITES,
      );
      const after = await getSubject(tx, STUDY, 'P1', NURSE_SITES);
      assert.deepEqual(
        after.medications.map((m) => [m.record.drug, m.version, m.rowId]),
        [['methotrexate sc', 2, medication.rowId]],
      );
    });
  });
});

describe('listSubjects', () => {
  test("the caller's subjects with their visit counts and last visit", async () => {
    assert.deepEqual(await listSubjects(db.store, STUDY, NURSE_SITES), [
      {
        subjectId: 'P1',
        site: 'A',
        ilarCategory: 'systemic',
        enrolmentDate: '2019-01-01',
        withdrawalDate: null,
        visitCount: 4,
        lastVisitDate: '2019-06-01',
        version: 1,
      },
      {
        subjectId: 'P2',
        site: 'A',
        ilarCategory: 'systemic',
        enrolmentDate: '2019-01-01',
        withdrawalDate: null,
        visitCount: 0,
        lastVisitDate: null,
        version: 1,
      },
    ]);
    assert.deepEqual(
      (await listSubjects(db.store, STUDY, 'all')).map((s) => s.subjectId),
      ['P1', 'P2', 'P3'],
    );
    assert.deepEqual(await listSubjects(db.store, STUDY, ['C']), []);
    await assert.rejects(listSubjects(db.store, 'nope', 'all'), (error) =>
      isJiaError(error, 'NOT_FOUND'),
    );
  });
});
