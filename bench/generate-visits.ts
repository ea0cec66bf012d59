/**
 * Synthetic visits for the `jia-trial score` benchmark (bench/run.ts) and the R cross-check
 * (bench/score.R, bench/compare-r.ts).
 *
 * Deterministic: every value comes from one seeded sfc32 stream (never Math.random), so the same
 * `visits` and `seed` give the same bytes on every machine. About 10 visits per subject (1-19),
 * dates increasing per subject, rows in subject order except ~1% moved further down the file,
 * and every value inside the ranges of docs/score-command.md, so the file is valid input.
 *
 *   node --conditions=source --import tsx bench/generate-visits.ts \
 *     --visits 1000000 --seed 1 --out bench/out/visits-1000000.csv [--force]
 *
 * The file is written under a temporary name and renamed when complete; a sidecar
 * `<out>.meta.json` records the parameters, and generation is skipped when it matches.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { VISIT_COLUMNS as VISIT_COLUMN_DEFS } from '@jia-trial/interop';

/** Bump when the generated content changes, so cached files are regenerated. */
export const GENERATOR_VERSION = 4;

/**
 * The input columns of docs/score-command.md, in the documented order (the CLI's own list),
 * without the optional laboratory unit columns (the generated values are in the standard units),
 * the optional missing-data codes (a generated blank is a plain blank) and the optional record
 * version (the generated visits were never stored).
 */
export const VISIT_COLUMNS = VISIT_COLUMN_DEFS.filter(
  (column) => column.kind !== 'unit' && column.kind !== 'missing_code' && column.kind !== 'version',
).map((column) => column.name);

export interface GenerateOptions {
  /** Number of visit rows (excluding the header). */
  readonly visits: number;
  /** PRNG seed (any integer). */
  readonly seed: number;
}

// ---------------------------------------------------------------------------------------------
// PRNG: sfc32 seeded through splitmix32 (public-domain algorithms, 32-bit integer arithmetic).

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const mix = splitmix32(seed);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 15; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Roughly standard normal (Irwin-Hall of 3 uniforms, rescaled): cheap and bounded. */
  normal(): number {
    return (this.next() + this.next() + this.next() - 1.5) * 2;
  }

  /** Index drawn with the given cumulative weights (last entry = total). */
  weighted(cumulative: readonly number[]): number {
    const total = cumulative[cumulative.length - 1] ?? 0;
    const x = this.next() * total;
    let i = 0;
    while (i < cumulative.length - 1 && x >= (cumulative[i] ?? 0)) i++;
    return i;
  }
}

function cumulate(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

// ---------------------------------------------------------------------------------------------
// Clinical shape.

interface CategoryProfile {
  readonly code: string;
  /** Share of subjects (percent). */
  readonly weight: number;
  /** Typical active-joint count at full activity. */
  readonly jointScale: number;
}

// Roughly the ILAR mix of European cohorts: oligoarticular persistent and RF-negative
// polyarticular most common, RF-positive polyarticular and undifferentiated rarest.
const CATEGORIES: readonly CategoryProfile[] = [
  { code: 'oligoarticular_persistent', weight: 30, jointScale: 3 },
  { code: 'polyarticular_rf_negative', weight: 22, jointScale: 16 },
  { code: 'enthesitis_related', weight: 12, jointScale: 5 },
  { code: 'oligoarticular_extended', weight: 9, jointScale: 8 },
  { code: 'systemic', weight: 9, jointScale: 10 },
  { code: 'psoriatic', weight: 7, jointScale: 6 },
  { code: 'undifferentiated', weight: 6, jointScale: 6 },
  { code: 'polyarticular_rf_positive', weight: 5, jointScale: 20 },
];
const CATEGORY_CUMULATIVE = cumulate(CATEGORIES.map((c) => c.weight));

/** The 71 catalogue codes, large joints weighted up (knees, ankles, wrists, elbows, hips). */
function loadJoints(): { codes: string[]; cumulative: number[] } {
  const csvUrl = new URL('../packages/outcomes/data/joints.csv', import.meta.url);
  const lines = readFileSync(csvUrl, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.length > 0)
    .slice(1);
  const codes = lines.map((l) => l.slice(0, l.indexOf(',')));
  const heavy: Record<string, number> = { knee: 12, ankle: 7, wrist: 5, elbow: 3, hip: 2 };
  const weights = codes.map((code) => heavy[code.replace(/_[lr]$/, '')] ?? 1);
  return { codes, cumulative: cumulate(weights) };
}

const START_DAY = Date.UTC(2015, 0, 1) / 86_400_000;
const START_SPAN = Date.UTC(2025, 0, 1) / 86_400_000 - START_DAY; // 2015-01-01 .. 2024-12-31
const dateCache: string[] = [];

function isoDate(day: number): string {
  const offset = day - START_DAY;
  let text = dateCache[offset];
  if (text === undefined) {
    text = new Date(day * 86_400_000).toISOString().slice(0, 10);
    dateCache[offset] = text;
  }
  return text;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

/** A lab value scattered around a threshold, with exact boundary values now and then. */
function aroundThreshold(rng: Random, threshold: number, spread: number, shift: number): string {
  const u = rng.next();
  if (u < 0.08) return String(threshold);
  if (u < 0.11) return String(threshold + 1);
  if (u < 0.14) return String(threshold - 1);
  return String(Math.max(0, Math.round(threshold * Math.exp(spread * rng.normal() + shift))));
}

// ---------------------------------------------------------------------------------------------
// The generator.

interface Subject {
  readonly id: string;
  readonly profile: CategoryProfile;
  readonly isSystemic: boolean;
  readonly visitCount: number;
  /** Disease-activity multiplier per visit (< 1: responding to treatment). */
  readonly response: number;
  /** Parent-global floor unrelated to arthritis (0..0.5). */
  readonly wellbeing: number;
  day: number;
  /** Disease activity, 0..1. */
  activity: number;
}

/** Draws the visits' values; one instance per file, consuming one PRNG stream in order. */
class VisitFactory {
  private readonly joints = loadJoints();
  private readonly chosen = new Uint8Array(this.joints.codes.length);

  constructor(private readonly rng: Random) {}

  subject(number: number, idWidth: number, maxVisits: number): Subject {
    const rng = this.rng;
    const profile = CATEGORIES[rng.weighted(CATEGORY_CUMULATIVE)] ?? CATEGORIES[0];
    if (profile === undefined) throw new Error('no ILAR categories');
    // Most subjects start active and respond to treatment; ~20% enter in remission (a
    // withdrawal-trial population) and drift up, so that flares occur.
    const withdrawal = rng.chance(0.2);
    return {
      id: `S${String(number).padStart(idWidth, '0')}`,
      profile,
      isSystemic: profile.code === 'systemic',
      visitCount: Math.min(1 + rng.int(0, 9) + rng.int(0, 9), maxVisits),
      day: START_DAY + rng.int(0, START_SPAN - 1),
      activity: withdrawal ? 0.03 + 0.15 * rng.next() : 0.35 + 0.6 * rng.next(),
      response: withdrawal ? 1.05 + 0.3 * rng.next() : 0.55 + 0.5 * rng.next(),
      wellbeing: 0.5 * rng.next(),
    };
  }

  /** The CSV line of visit `v` (1-based) of subject `s`, advancing the subject's course. */
  visit(s: Subject, v: number): string {
    const rng = this.rng;
    if (v > 1) {
      s.day += rng.int(30, 120);
      s.activity = clamp(s.activity * s.response * (0.8 + 0.4 * rng.next()), 0, 1);
      if (rng.chance(0.06)) s.activity = clamp(s.activity * (1.5 + 1.5 * rng.next()) + 0.1, 0, 1);
    }
    const a = v > 1 && rng.chance(0.1) ? 0 : s.activity; // now and then an inactive visit
    const baselineId = rng.chance(0.1) ? `${s.id}-V01` : '';
    const category = rng.chance(0.02) ? '' : s.profile.code;
    const phga = a < 0.04 && rng.chance(0.7) ? '0' : this.global(10 * a * (0.7 + 0.6 * rng.next()));
    const pga = this.global(10 * (0.8 * a + 0.2 * s.wellbeing) * (0.6 + 0.8 * rng.next()));
    const chaq = String(clamp(Math.round(21.6 * a * (0.4 + rng.next())), 0, 24) / 8);
    let ajc = a === 0 ? 0 : Math.round(s.profile.jointScale * a * a * (0.3 + 1.4 * rng.next()));
    if (a > 0 && ajc === 0 && rng.chance(0.3)) ajc = 1;
    ajc = clamp(ajc, 0, 30);
    const limited = clamp(Math.round(ajc * (0.4 + 0.8 * rng.next())) + rng.int(0, 2), 0, 30);
    const [activeJoints, codes] = this.activeJoints(ajc);
    return [
      s.id,
      `${s.id}-V${String(v).padStart(2, '0')}`,
      isoDate(s.day),
      baselineId,
      category,
      this.blank5(phga),
      this.blank5(pga),
      this.blank5(chaq),
      activeJoints,
      this.blank5(String(limited)),
      codes,
      this.blank5(this.esr(a)),
      this.blank5(this.crp(a)),
      this.blank5(this.stiffness(a)),
      ...this.systemic(s, a),
    ].join(',');
  }

  /** ~5% of optional cells not recorded. */
  private blank5(value: string): string {
    return this.rng.next() < 0.05 ? '' : value;
  }

  /** 0-10 in 0.5 steps; ~20% recorded with one decimal (a VAS read to the millimetre). */
  private global(x: number): string {
    const v = clamp(x, 0, 10);
    // (drawn on 32% of values, since a value rounded to one decimal may land on a half step)
    return this.rng.chance(0.32) ? String(Math.round(v * 10) / 10) : String(Math.round(v * 2) / 2);
  }

  /**
   * `active_joints` and `active_joint_codes`: on ~30% of rows with active joints a set of
   * distinct codes (large joints likelier), with `active_joints` then either equal or empty.
   */
  private activeJoints(ajc: number): [string, string] {
    const rng = this.rng;
    if (ajc === 0 || !rng.chance(0.47)) return [this.blank5(String(ajc)), ''];
    const picked: number[] = [];
    while (picked.length < ajc) {
      const j = rng.weighted(this.joints.cumulative);
      if (this.chosen[j] === 0) {
        this.chosen[j] = 1;
        picked.push(j);
      }
    }
    for (const j of picked) this.chosen[j] = 0;
    const codes = picked.map((j) => this.joints.codes[j]).join(';');
    return [rng.chance(0.5) ? '' : String(ajc), codes];
  }

  /** ESR 2-120 mm/h, whole numbers, with the JADAS floor (20), 21 and the ceiling (120). */
  private esr(a: number): string {
    const u = this.rng.next();
    if (u < 0.03) return '20';
    if (u < 0.04) return '21';
    if (u < 0.045) return '120';
    return String(
      clamp(Math.round(2 + 90 * a * (0.3 + this.rng.next()) + 8 * this.rng.next()), 2, 120),
    );
  }

  /** CRP 0.5-200 mg/L, one decimal, with the normal limit (10) and 10.1. */
  private crp(a: number): string {
    const u = this.rng.next();
    if (u < 0.03) return '10';
    if (u < 0.04) return '10.1';
    const mgL = 0.5 + 150 * a * a * (0.2 + this.rng.next()) + 4 * this.rng.next();
    return String(clamp(Math.round(10 * mgL) / 10, 0.5, 200));
  }

  /** Morning stiffness 0-120 min, with the inactive-disease boundary (15) and 16. */
  private stiffness(a: number): string {
    const rng = this.rng;
    const u = rng.next();
    if (u < 0.04) return '15';
    if (u < 0.07) return '16';
    if (a < 0.05) return String(rng.chance(0.8) ? 0 : rng.int(0, 30));
    return String(clamp(Math.round(120 * a * rng.next()), 0, 120));
  }

  /**
   * systemic_features, active_uveitis, fever, the five MAS labs and the MS score's other inputs
   * (LDH, CNS involvement, haemorrhagic manifestations). Labs are mostly recorded on systemic
   * rows, scattered around the Ravelli 2016 thresholds; a systemic subject is now and then in
   * (or near) macrophage activation syndrome, when CNS and bleeding signs are likelier.
   */
  private systemic(s: Subject, a: number): string[] {
    const rng = this.rng;
    const features = s.isSystemic
      ? rng.chance(clamp(1.3 * a - 0.1, 0.02, 0.95))
      : rng.chance(0.003);
    const uveitis = rng.chance(s.profile.code.startsWith('oligoarticular') ? 0.06 : 0.015);
    const masLike = s.isSystemic && a > 0.3 && rng.chance(0.12);
    const febrile = s.isSystemic ? masLike || rng.chance(0.1 + 0.5 * a) : rng.chance(0.02);
    const hasLabs = rng.chance(s.isSystemic ? 0.85 : 0.03);
    const shift = masLike ? 1 : 0;
    const lab = (threshold: number, spread: number, direction: number): string =>
      hasLabs ? this.blank5(aroundThreshold(rng, threshold, spread, direction * shift)) : '';
    return [
      this.blank5(String(features)),
      this.blank5(String(uveitis)),
      this.blank5(String(febrile)),
      lab(684, 1.2, 1.5), // ferritin ng/mL
      lab(181, 0.5, -0.6), // platelets x10^9/L
      lab(48, 0.7, 1), // AST U/L
      lab(156, 0.45, 0.5), // triglycerides mg/dL
      lab(360, 0.35, -0.5), // fibrinogen mg/dL
      lab(500, 0.6, 1), // LDH U/L
      hasLabs ? this.blank5(String(rng.chance(masLike ? 0.2 : 0.01))) : '', // CNS involvement
      hasLabs ? this.blank5(String(rng.chance(masLike ? 0.15 : 0.01))) : '', // haemorrhagic
    ];
  }
}

/**
 * Yields the CSV text in chunks of whole lines (header first, LF line ends). Consume with
 * `for (await) ... of` or `Readable.from`.
 */
export function* generateVisits(options: GenerateOptions): Generator<string, void, undefined> {
  const { visits, seed } = options;
  if (!Number.isSafeInteger(visits) || visits < 0) throw new RangeError(`visits: ${visits}`);
  const rng = new Random(seed);
  const factory = new VisitFactory(rng);
  const idWidth = Math.max(6, String(Math.ceil(visits / 10)).length); // S000001 for 1M visits

  // ~1% of rows are moved further down: output position -> the lines waiting for it.
  const deferred = new Map<number, string[]>();
  let chunk: string[] = [VISIT_COLUMNS.join(',')];
  let placed = 0;
  const place = (line: string): void => {
    chunk.push(line);
    placed++;
    const waiting = deferred.get(placed);
    if (waiting !== undefined) {
      deferred.delete(placed);
      for (const moved of waiting) place(moved);
    }
  };

  let produced = 0;
  for (let number = 1; produced < visits; number++) {
    const subject = factory.subject(number, idWidth, visits - produced);
    for (let v = 1; v <= subject.visitCount; v++) {
      const line = factory.visit(subject, v);
      produced++;
      if (rng.chance(0.01)) {
        const due = placed + rng.int(1, 20_000);
        const waiting = deferred.get(due);
        if (waiting === undefined) deferred.set(due, [line]);
        else waiting.push(line);
      } else {
        place(line);
      }
      if (chunk.length >= 4096) {
        yield `${chunk.join('\n')}\n`;
        chunk = [];
      }
    }
  }
  // Rows still waiting go at the end of the file, in the order they were due.
  for (const [, lines] of [...deferred.entries()].sort((x, y) => x[0] - y[0])) chunk.push(...lines);
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
}

interface Meta {
  readonly generatorVersion: number;
  readonly visits: number;
  readonly seed: number;
  readonly bytes: number;
}

/**
 * Writes the visits to `out` unless a file generated with the same parameters is already there.
 * Returns whether it generated.
 */
export async function writeVisitsFile(
  out: string,
  options: GenerateOptions & { readonly force?: boolean },
): Promise<{ generated: boolean; bytes: number; seconds: number }> {
  const metaPath = `${out}.meta.json`;
  if (options.force !== true) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Partial<Meta>;
      const size = (await stat(out)).size;
      if (
        meta.generatorVersion === GENERATOR_VERSION &&
        meta.visits === options.visits &&
        meta.seed === options.seed &&
        meta.bytes === size
      ) {
        return { generated: false, bytes: size, seconds: 0 };
      }
    } catch {
      // No usable cache: generate.
    }
  }
  const started = performance.now();
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await pipeline(
    Readable.from(generateVisits(options), { objectMode: false }),
    createWriteStream(tmp),
  );
  await rename(tmp, out);
  const bytes = (await stat(out)).size;
  const meta: Meta = {
    generatorVersion: GENERATOR_VERSION,
    visits: options.visits,
    seed: options.seed,
    bytes,
  };
  await writeFile(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return { generated: true, bytes, seconds: (performance.now() - started) / 1000 };
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      visits: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const visits = Number(values.visits);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(visits) || visits < 0 || !Number.isSafeInteger(seed)) {
    console.error('usage: generate-visits.ts --visits N --seed S [--out FILE] [--force]');
    process.exit(2);
  }
  const out = values.out ?? `bench/out/visits-${visits}.csv`;
  const result = await writeVisitsFile(out, { visits, seed, force: values.force });
  console.log(
    result.generated
      ? `${out}: ${visits} visits, seed ${seed}, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(2)} s`
      : `${out}: up to date (${visits} visits, seed ${seed})`,
  );
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await cli();
}
