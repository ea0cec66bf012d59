/** `jia-trial report` and `jia-trial demo`: command-line definitions. */
import type { ExactWithTies, RateRatioPMethod, Timepoint, ZeroMethod } from '@jia-trial/analysis';
import { PROTOCOL_IDS } from '@jia-trial/protocols/ids';
import { type Command, InvalidArgumentError } from 'commander';
import { positiveInteger } from '../cli-args.js';
import { DEMO_AS_OF } from './demo.js';
import type { ReportIo } from './report-command.js';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./report-command.js');

/** `week8=56:14` -> a read-out (labelled with its id; one replacing the protocol's keeps its label). */
function readoutOption(value: string, previous: Timepoint[]): Timepoint[] {
  const m = /^([a-z][a-zA-Z0-9]*)=(\d+):(\d+)$/.exec(value);
  if (!m || Number(m[2]) <= 0)
    throw new InvalidArgumentError(
      `expected id=day:tolerance with whole days (e.g. week8=56:14), got ${JSON.stringify(value)}`,
    );
  const id = m[1] as string;
  const day = Number(m[2]);
  return [...previous, { id, label: readoutLabel(id, day), day, toleranceDays: Number(m[3]) }];
}

/**
 * A read-out's title from its id: `month6` -> "Month 6", `week12` -> "Week 12"; any other id
 * says what it is, "Read-out visitX (day 100)". (One that replaces the protocol's keeps the
 * protocol's label.)
 */
export function readoutLabel(id: string, day: number): string {
  const m = /^(day|week|month|year)(\d+)$/i.exec(id);
  if (m) {
    const unit = (m[1] as string).toLowerCase();
    return `${unit[0]?.toUpperCase()}${unit.slice(1)} ${Number(m[2])}`;
  }
  return `Read-out ${id} (day ${day})`;
}

/** A value from a fixed list, refused with the list otherwise. */
const oneOf =
  <T extends string>(choices: readonly T[]) =>
  (value: string): T => {
    if (!(choices as readonly string[]).includes(value))
      throw new InvalidArgumentError(
        `must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`,
      );
    return value as T;
  };

const months = (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 120)
    throw new InvalidArgumentError(
      `must be a number of months greater than 0 and at most 120, got ${JSON.stringify(value)}`,
    );
  return n;
};

export function registerReportCommands(
  program: Command,
  io: ReportIo,
  run: (action: () => Promise<void>) => void,
): void {
  program
    .command('report')
    .summary('the study analysis and report of a bundle')
    .description(
      'Analyses a study bundle under its protocol: baseline table, infusions, adverse events before vs ' +
        'after the first infusion (the primary window and a 12-month sensitivity window, with exact ' +
        'statistics), serious AEs and MAS with their timing, efficacy at each read-out against the ' +
        'baseline. Writes report.json, a self-contained report.html, the plots as SVG, and report.pdf ' +
        'when Chromium is installed (/usr/bin/chromium, or JIA_CHROMIUM).',
    )
    .argument('[bundle-dir]', 'a study bundle (docs/bundle-format.md); or --study')
    .option(
      '--study <id>',
      'a study in the database instead of a bundle (DATABASE_URL or JIA_DATA_DIR)',
    )
    .requiredOption('--out <dir>', 'folder for report.html, report.json and plots/')
    .option('--protocol <id>', `the protocol (${PROTOCOL_IDS.join(', ')})`, 'msc-jia')
    .option('--ae-window-months <n>', "AE window on each side (default: the protocol's)", months)
    .option('--as-of <date>', 'data cut, YYYY-MM-DD (default: today)')
    .option(
      '--readout <id=day:tolerance>',
      "a read-out: the visit nearest `day` after the first infusion within `tolerance` days; replaces the protocol's of the same id (week8, year1) or adds one (repeatable)",
      readoutOption,
      [],
    )
    .option(
      '--rate-ratio-p <method>',
      "the AE rate ratio's two-sided p: central (twice the smaller one-sided p, agrees with the CI) or minlike (R's poisson.test)",
      oneOf<RateRatioPMethod>(['central', 'minlike']),
      'central',
    )
    .option(
      '--wilcoxon-zeros <method>',
      'zero differences in the Wilcoxon test: wilcox (dropped, as R and SPSS) or pratt (ranked, then dropped)',
      oneOf<ZeroMethod>(['wilcox', 'pratt']),
      'wilcox',
    )
    .option(
      '--wilcoxon-ties <method>',
      "with ties or zeros: permutation (the exact permutation test) or normal-approximation (R's wilcox.test)",
      oneOf<ExactWithTies>(['permutation', 'normal-approximation']),
      'permutation',
    )
    .option('--max-errors <n>', 'list at most this many bundle problems', positiveInteger, 100)
    .action(
      (
        dir: string | undefined,
        opts: {
          out: string;
          study?: string;
          protocol: string;
          aeWindowMonths?: number;
          asOf?: string;
          readout: Timepoint[];
          maxErrors: number;
          rateRatioP: RateRatioPMethod;
          wilcoxonZeros: ZeroMethod;
          wilcoxonTies: ExactWithTies;
        },
      ) =>
        run(async () =>
          (await commands()).runReport(
            io,
            { dir, study: opts.study },
            {
              ...opts,
              readouts: opts.readout,
              rateRatioP: opts.rateRatioP,
              wilcoxonZeroMethod: opts.wilcoxonZeros,
              wilcoxonExactWithTies: opts.wilcoxonTies,
            },
          ),
        ),
    );

  program
    .command('demo')
    .summary('write the report of the synthetic MSC-JIA demo study')
    .description(
      'Runs `jia-trial report` on examples/msc-jia-demo, a synthetic six-patient study built to be ' +
        'consistent with the published pilot, with a data cut of ' +
        `${DEMO_AS_OF}.`,
    )
    .option('--out <dir>', 'folder for the report', 'jia-trial-demo-report')
    .action((opts: { out: string }) =>
      run(async () => {
        const { demoBundle, runReport } = await commands();
        await runReport(
          io,
          { dir: demoBundle() },
          {
            out: opts.out,
            protocol: 'msc-jia',
            asOf: DEMO_AS_OF,
            maxErrors: 100,
            note: 'SYNTHETIC DEMONSTRATION DATA: six invented patients, built to match the published summary of the MSC-JIA pilot (Swart 2018/2019). No real patient is described.',
          },
        );
      }),
    );
}
