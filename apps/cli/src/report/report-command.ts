/**
 * `jia-trial report <bundle-dir> --out DIR` and `jia-trial demo`: the study analysis of a
 * bundle (packages/analysis) written as report.json, a self-contained report.html, the plots
 * as SVG files, and report.pdf when Chromium is installed (otherwise the command says why and
 * writes the rest).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  analysedStudy,
  type ExactWithTies,
  type RateRatioPMethod,
  renderHtml,
  reportJson,
  reportPlots,
  SYNTHETIC_STUDY_NOTE,
  type Timepoint,
  type ZeroMethod,
} from '@jia-trial/analysis';
import { JiaError } from '@jia-trial/errors';
import { writeOutput } from '../output.js';
import { asOfOption, noteUnknownCriteria, protocolOption } from '../protocol-args.js';
import { readStudySource, type StudySource } from '../study-source.js';
import { cliVersion } from '../version.js';
import { bundleSaysSynthetic, SYNTHETIC_BUNDLE_NOTE } from './synthetic-bundle.js';

export interface ReportOptions {
  readonly out: string;
  readonly protocol: string;
  readonly asOf?: string | undefined;
  readonly aeWindowMonths?: number | undefined;
  readonly readouts?: readonly Timepoint[] | undefined;
  readonly rateRatioP?: RateRatioPMethod | undefined;
  readonly wilcoxonZeroMethod?: ZeroMethod | undefined;
  readonly wilcoxonExactWithTies?: ExactWithTies | undefined;
  readonly maxErrors: number;
  readonly note?: string | null;
}

export interface ReportIo {
  out(text: string): void;
  note(text: string): void;
  today(): string;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Written as `jia-trial score --out` writes (a temporary file renamed when complete, 0600), so
 * that a reader never sees half a file and no one else reads a child's data.
 */
function writeAtomically(path: string, content: string | Uint8Array): Promise<void> {
  return writeOutput(
    path,
    async (sink) => {
      await sink(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    },
    () => {},
  );
}

/** The report of a bundle folder, or of a stored study (--study), read straight from the database. */
export async function runReport(
  io: ReportIo,
  source: StudySource,
  options: ReportOptions,
): Promise<void> {
  const asOf = asOfOption(options.asOf, io.today);
  const protocol = protocolOption(options.protocol);
  if (protocol.analysis === null)
    throw new JiaError('USAGE_ERROR', `protocol ${protocol.id} has no analysis plan to report`);
  const { timelines, ...read } = await readStudySource(
    source,
    { env: io.env ?? process.env, note: io.note },
    { maxErrors: options.maxErrors, consequence: 'no report was written' },
  );
  noteUnknownCriteria(io.note, protocol, timelines);
  // The study file says so (or the stored study, from its bundle's study file); a bundle without
  // a study file, by its README's marker (synthetic-bundle.ts).
  const byReadme = !read.synthetic && source.dir !== undefined && bundleSaysSynthetic(source.dir);
  const synthetic = read.synthetic || byReadme;
  const study = analysedStudy(protocol, timelines, {
    asOf,
    aeWindowMonths: options.aeWindowMonths,
    readouts: options.readouts,
    rateRatioP: options.rateRatioP,
    wilcoxonZeroMethod: options.wilcoxonZeroMethod,
    wilcoxonExactWithTies: options.wilcoxonExactWithTies,
    note:
      options.note ??
      (read.synthetic ? SYNTHETIC_STUDY_NOTE : byReadme ? SYNTHETIC_BUNDLE_NOTE : null),
    synthetic,
    generator: cliVersion(),
  });
  // Folders it makes are private (0700; an existing one keeps its mode), files 0600 (writeOutput).
  mkdirSync(options.out, { recursive: true, mode: 0o700 });
  await writeAtomically(join(options.out, 'report.json'), reportJson(study));
  const html = renderHtml(study);
  await writeAtomically(join(options.out, 'report.html'), html);
  const plots = reportPlots(study);
  mkdirSync(join(options.out, 'plots'), { recursive: true, mode: 0o700 });
  for (const [i, svg] of plots.entries())
    await writeAtomically(join(options.out, 'plots', `plot-${i + 1}.svg`), `${svg}\n`);
  const pdfPath = join(options.out, 'report.pdf');
  // playwright-core is loaded only here: it alone takes most of a second to load.
  const { renderPdf } = await import('./render-pdf.js');
  const pdf = await renderPdf(html, io.env ?? process.env);
  if (pdf.written) await writeAtomically(pdfPath, pdf.pdf);
  else {
    // A report.pdf of an earlier run must not sit beside this report as if it were its print.
    rmSync(pdfPath, { force: true });
    io.note(`report.pdf: not written: ${pdf.why}; report.html prints the same`);
  }
  io.out(
    `wrote ${join(options.out, 'report.html')}, ${join(options.out, 'report.json')}${pdf.written ? `, ${pdfPath}` : ''} and ${plots.length} plots (${join(options.out, 'plots')}): ` +
      `${study.analysis.subjects} subjects, data up to ${asOf}\n`,
  );
}

/** The demo bundle shipped with jia-trial (examples/msc-jia-demo), found from this file. */
export function demoBundle(): string {
  let at = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(at, 'examples', 'msc-jia-demo');
    try {
      readFileSync(join(candidate, 'subjects.csv'));
      return candidate;
    } catch {
      at = resolve(at, '..');
    }
  }
  throw new JiaError(
    'USAGE_ERROR',
    'the demo bundle examples/msc-jia-demo was not found next to jia-trial',
  );
}
