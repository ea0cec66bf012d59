/**
 * Synthetic study bundles for the store benchmark (bench/store.bench.ts), and the single visits
 * its concurrent writers save.
 *
 * Deterministic: every value comes from a seeded sfc32 stream (never Math.random), so the same
 * parameters give the same bytes on every machine. Subjects `P00001`.. at sites S01..S10, each
 * with `visitsPerSubject` visits `P00001-V01`.. in date order, 45-90 days apart from the
 * enrolment date (2007-2021). Values are plausible and inside the ranges of docs/score-command.md:
 * physician and parent global 0-10 with one decimal, CHAQ-DI 0-3 in steps of 0.125, active and
 * limited joints 0-20, ESR 0-120 mm/h, CRP 0-100 mg/L with one decimal, morning stiffness
 * 0-120 min. The other visit columns (baseline, joint codes, systemic features and MAS
 * laboratory values) are present in the header and empty. medications.csv, infusions.csv and
 * adverse_events.csv have their header only.
 *
 *   node --conditions=source --import tsx bench/store-bundle-generator.ts --out DIR \
 *     [--subjects 10000] [--visits-per-subject 20] [--seed 1]
 */
import { createWriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleFile } from '@jia-trial/dictionary';
import { ILAR_CATEGORY_CODES, type IlarCategory } from '@jia-trial/outcomes';
import type { VisitRecord } from '@jia-trial/store';
import { Random } from './generate-visits.js';

export interface BundleShape {
  readonly subjects: number;
  readonly visitsPerSubject: number;
  readonly seed: number;
}

export const SITES = Array.from({ length: 10 }, (_, i) => `S${String(i + 1).padStart(2, '0')}`);

export const subjectId = (index: number): string => `P${String(index + 1).padStart(5, '0')}`;

/** The visits.csv header: every column of the bundle spec, in its order. */
export const VISIT_HEADER = bundleFile('visits.csv').columns.map((c) => c.name);

// ---------------------------------------------------------------------------------------------
// The benchmarks' PRNG (sfc32 seeded through splitmix32), shared with generate-visits.ts.
export { Random };

// ---------------------------------------------------------------------------------------------
// Values.

const DAY_MS = 86_400_000;
const isoDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const dayOf = (year: number, month: number, date: number): number =>
  Date.UTC(year, month - 1, date) / DAY_MS;

/** The measured values of one visit, as numbers (null: not recorded). */
export interface VisitValues {
  readonly physicianGlobal: number;
  readonly parentGlobal: number;
  readonly chaqDi: number;
  readonly activeJoints: number;
  readonly limitedJoints: number;
  readonly esr: number;
  readonly crp: number;
  readonly morningStiffnessMinutes: number;
}

/** Draws one visit's values; `activity` in 0..1 shifts them together. */
export function drawValues(rng: Random, activity: number): VisitValues {
  const scaled = (max: number) => Math.min(max, Math.round(max * activity * (0.3 + rng.next())));
  const activeJoints = rng.next() < activity ? rng.int(0, Math.round(20 * activity)) : 0;
  return {
    physicianGlobal: scaled(100) / 10,
    parentGlobal: scaled(100) / 10,
    chaqDi: scaled(24) * 0.125,
    activeJoints,
    limitedJoints: Math.min(20, activeJoints + rng.int(0, 3)),
    esr: Math.min(120, scaled(110) + rng.int(0, 10)),
    crp: Math.min(1000, scaled(900) + rng.int(0, 100)) / 10,
    morningStiffnessMinutes: scaled(120),
  };
}

const CATEGORIES = ILAR_CATEGORY_CODES as readonly IlarCategory[];

export function drawCategory(rng: Random): IlarCategory {
  return CATEGORIES[rng.int(0, CATEGORIES.length - 1)] as IlarCategory;
}

/** A visit a concurrent writer saves: a new visit of a bundle subject, after its bundle visits. */
export function drawVisitRecord(rng: Random, subjects: number, visitId: string): VisitRecord {
  const subject = rng.int(0, subjects - 1);
  return {
    visitId,
    subjectId: subjectId(subject),
    visitDate: isoDate(dayOf(2026, 9, 1) + rng.int(0, 364)),
    ilarCategory: drawCategory(rng),
    ...drawValues(rng, rng.next()),
  };
}

// ---------------------------------------------------------------------------------------------
// Bundle files.

/** About two girls to one boy, as in JIA; 1% unknown. */
function sex(rng: Random): string {
  const u = rng.int(0, 99);
  return u < 66 ? 'F' : u < 99 ? 'M' : 'U';
}

/** What the visits of a subject need from its subjects.csv row. */
interface SubjectCourse {
  readonly enrolmentDay: number;
  readonly category: IlarCategory;
}

function* subjectsCsv(
  shape: BundleShape,
  rng: Random,
  courses: SubjectCourse[],
): Generator<string> {
  // The columns every subject has; the optional withdrawal columns are left out of the header.
  yield 'subject_id,site,sex,birth_date,ilar_category,diagnosis_date,enrolment_date\n';
  let chunk: string[] = [];
  for (let i = 0; i < shape.subjects; i++) {
    const birth = dayOf(2006, 1, 1) + rng.int(0, 8 * 365);
    const diagnosis = birth + rng.int(365, 5 * 365);
    const enrolment = diagnosis + rng.int(0, 3 * 365);
    const category = drawCategory(rng);
    courses.push({ enrolmentDay: enrolment, category });
    chunk.push(
      [
        subjectId(i),
        SITES[i % SITES.length],
        sex(rng),
        isoDate(birth).slice(0, 7),
        category,
        isoDate(diagnosis),
        isoDate(enrolment),
      ].join(','),
    );
    if (chunk.length >= 4096) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
}
function* visitsCsv(
  shape: BundleShape,
  rng: Random,
  courses: readonly SubjectCourse[],
): Generator<string> {
  yield `${VISIT_HEADER.join(',')}\n`;
  // The core set and morning stiffness are filled, the other columns left empty.
  const cells = (values: Readonly<Record<string, string | number>>) =>
    VISIT_HEADER.map((column) => values[column] ?? '').join(',');
  let chunk: string[] = [];
  for (let i = 0; i < shape.subjects; i++) {
    const id = subjectId(i);
    const course = courses[i] as SubjectCourse;
    let day = course.enrolmentDay;
    let activity = 0.3 + 0.7 * rng.next();
    for (let v = 1; v <= shape.visitsPerSubject; v++) {
      if (v > 1) {
        day += rng.int(45, 90);
        activity = Math.min(1, activity * (0.7 + 0.45 * rng.next()));
      }
      const x = drawValues(rng, activity);
      chunk.push(
        // baseline_visit_id empty: the subject's earliest visit.
        cells({
          subject_id: id,
          visit_id: `${id}-V${String(v).padStart(2, '0')}`,
          visit_date: isoDate(day),
          ilar_category: course.category,
          physician_global: x.physicianGlobal,
          parent_global: x.parentGlobal,
          chaq_di: x.chaqDi,
          active_joints: x.activeJoints,
          limited_joints: x.limitedJoints,
          esr: x.esr,
          crp: x.crp,
          morning_stiffness_min: x.morningStiffnessMinutes,
        }),
      );
      if (chunk.length >= 4096) {
        yield `${chunk.join('\n')}\n`;
        chunk = [];
      }
    }
  }
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
}

export interface WrittenBundle {
  readonly dir: string;
  readonly subjects: number;
  readonly visits: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** Writes the bundle's five files into `dir` (created when missing). */
export async function writeStoreBundle(dir: string, shape: BundleShape): Promise<WrittenBundle> {
  if (
    !Number.isSafeInteger(shape.subjects) ||
    shape.subjects < 1 ||
    shape.subjects > 99_999 ||
    !Number.isSafeInteger(shape.visitsPerSubject) ||
    shape.visitsPerSubject < 1 ||
    shape.visitsPerSubject > 99
  )
    throw new RangeError('subjects must be 1-99999 and visits per subject 1-99');
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const rng = new Random(shape.seed);
  const courses: SubjectCourse[] = [];
  const write = (file: string, chunks: Iterable<string>) =>
    pipeline(Readable.from(chunks), createWriteStream(join(dir, file)));
  await write('subjects.csv', subjectsCsv(shape, rng, courses));
  await write('visits.csv', visitsCsv(shape, rng, courses));
  for (const name of ['medications.csv', 'infusions.csv', 'adverse_events.csv'] as const)
    await writeFile(join(dir, name), `${bundleFile(name).columns.map((c) => c.name)}\n`);
  let bytes = 0;
  for (const name of ['subjects.csv', 'visits.csv']) bytes += (await stat(join(dir, name))).size;
  return {
    dir,
    subjects: shape.subjects,
    visits: shape.subjects * shape.visitsPerSubject,
    bytes,
    seconds: (performance.now() - started) / 1000,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      subjects: { type: 'string', default: '10000' },
      'visits-per-subject': { type: 'string', default: '20' },
      seed: { type: 'string', default: '1' },
    },
  });
  if (values.out === undefined) {
    console.error(
      'usage: store-bundle-generator.ts --out DIR [--subjects N] [--visits-per-subject N] [--seed S]',
    );
    process.exitCode = 2;
  } else {
    const made = await writeStoreBundle(values.out, {
      subjects: Number(values.subjects),
      visitsPerSubject: Number(values['visits-per-subject']),
      seed: Number(values.seed),
    });
    console.log(
      `wrote ${made.subjects} subjects and ${made.visits} visits (${(made.bytes / 1e6).toFixed(1)} MB) to ${made.dir} in ${made.seconds.toFixed(2)} s`,
    );
  }
}
