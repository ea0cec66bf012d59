/**
 * The `jia-trial` command line. `main` takes the arguments and the output streams and returns
 * the exit code, so tests run it in-process and the bin only sets `process.exitCode`.
 * Exit codes: 0 ok, 1 failure (bad data, a refusal), 2 usage error, 70 internal fault
 * (docs/errors.md).
 */
import type { Writable } from 'node:stream';
import { MISSING_CODES, standardUnit } from '@jia-trial/dictionary';
import { EXIT_CODES } from '@jia-trial/errors';
import { SCORE_COLUMNS, VISIT_COLUMNS, type VisitColumn } from '@jia-trial/interop/visits-csv';
import {
  CUTOFF_SET_IDS,
  DEFAULT_CRP_UPPER_LIMIT_MG_PER_L,
  DEFAULT_ESR_UPPER_LIMIT,
  describeRange,
  ILAR_CATEGORY_CODES,
  SYSTEMIC_JIA_ACR_RULES,
} from '@jia-trial/outcomes';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerAuditShowCommand } from './audit/register-audit-show.js';
import { registerCheckCommand } from './check/register-check-command.js';
import { positiveInteger } from './cli-args.js';
import { reportError } from './cli-errors.js';
import { registerDoseCommand } from './dose/register-dose-command.js';
import { registerLockCommands } from './locks/register-locks.js';
import { registerRandomisationCommands } from './randomisation/register-randomisation.js';
import { registerReportCommands } from './report/register-report-commands.js';
import { PARALLEL_MIN_BYTES, runScore, type ScoreCommandOptions } from './score/score-command.js';
import { registerSdvCommands } from './sdv/register-sdv-commands.js';
import { registerServeCommand } from './serve/register-serve-command.js';
import { registerStatusCommand } from './status/register-status-command.js';
import { registerStoreCommands } from './store/register-store-commands.js';
import { registerUserCommands } from './user/register-user-commands.js';
import { cliVersion } from './version.js';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** DATABASE_URL, JIA_OWNER_DATABASE_URL and JIA_DATA_DIR are read from here (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Read by `user add|reset --password-stdin` (default: process.stdin). */
  readonly stdin?: NodeJS.ReadableStream;
}

const positiveNumber = (flag: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(
      `${flag} must be a positive number, got ${JSON.stringify(value)}`,
    );
  }
  return n;
};

const threadCount = (value: string) => {
  if (value !== '1' && value !== '2')
    throw new InvalidArgumentError(`must be 1 or 2, got ${JSON.stringify(value)}`);
  return Number(value);
};

/** One column as the help describes it, its range read from the outcome library. */
function describeColumn(column: VisitColumn): string {
  switch (column.kind) {
    case 'date':
      return `${column.name} (YYYY-MM-DD)`;
    case 'boolean':
      return `${column.name} (true/false)`;
    case 'joint_codes':
      return `${column.name} (joint codes separated by ';')`;
    case 'category':
      return `${column.name} (an ILAR category, below)`;
    case 'number':
      return column.field ? `${column.name} (${describeRange(column.field)})` : column.name;
    case 'id':
      return column.name;
    case 'version':
      return `${column.name} (a record's version in an exported bundle, from 1; not scored)`;
    case 'unit':
      return `${column.name} (${(column.units ?? []).join(' or ')}; empty: ${column.analyte ? standardUnit(column.analyte) : ''})`;
    case 'missing_code':
      return `${column.name} (why ${column.definition.missingFor} is empty: ${MISSING_CODES.join(', ')}; not scored)`;
  }
}

/** Comma-separated items, wrapped for an 80-column terminal. */
function wrapList(items: readonly string[], indent = '  '): string {
  const lines: string[] = [];
  let line = '';
  for (const [i, item] of items.entries()) {
    const text = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (line && line.length + text.length + 1 > 80 - indent.length) {
      lines.push(line);
      line = text;
    } else {
      line = line ? `${line} ${text}` : text;
    }
  }
  return [...lines, line].map((l) => `${indent}${l}`).join('\n');
}

const SCORE_HELP = `
Input columns (header names exactly; the first three required; empty cell = not recorded;
an empty baseline_visit_id means the subject's earliest visit):
${wrapList(VISIT_COLUMNS.map(describeColumn))}

ILAR categories:
${wrapList(ILAR_CATEGORY_CODES)}

Output columns, appended to every input row (empty: not computable from the row):
${wrapList(SCORE_COLUMNS)}

Examples:
  jia-trial score examples/visits.csv --format table
  jia-trial score visits.csv --out scored.csv --cutoffs trincianti2021
`;

/** Every required option says so in --help (commander lists them like the optional ones). */
function markRequiredOptions(command: Command): void {
  for (const option of command.options)
    if (option.mandatory && !option.description.endsWith('(required)'))
      option.description = `${option.description} (required)`;
  for (const sub of command.commands) markRequiredOptions(sub);
}

/** The program with every command registered; `run` receives each command's action. */
export function buildProgram(io: CliIo, run: (action: () => Promise<void>) => void): Command {
  const program = new Command('jia-trial')
    .description('Run and analyse clinical trials in juvenile idiopathic arthritis.')
    .version(cliVersion(), '-V, --version', 'print the version of jia-trial')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)')
    // Read (and removed) before parsing, so that it is accepted anywhere: see main().
    .option('--debug', 'print the stack trace of an internal fault (exit code 70)');

  program
    .command('score')
    .summary('score every visit of a visits CSV')
    .description(
      'Reads a visits CSV and writes every row back, in input order, with its scores: JADAS-10/27/71, ' +
        'cJADAS-10, JADAS-10-CRP, the JADAS-10 disease-activity band, the highest JIA-ACR level and ' +
        'flare against the baseline, ACR 2011 clinical inactive disease, the 2016 MAS criteria and the ' +
        'MS score. ' +
        'The whole file is checked before anything is written; on bad input every problem is listed ' +
        '(file:line: visit, column: why) and nothing is written. Columns and rules: ' +
        'docs/score-command.md. Exit codes: 0 ok, 1 data error, 2 usage error.',
    )
    .argument(
      '<visits.csv>',
      'visits CSV: subject_id, visit_id, visit_date and optional score inputs',
    )
    .option('-o, --out <file>', 'write to this file (atomically) instead of standard output')
    .addOption(
      new Option(
        '-f, --format <format>',
        'csv (input columns + scores), json (the same as objects) or table (readable summary)',
      )
        .choices(['csv', 'json', 'table'])
        .default('csv'),
    )
    .addOption(
      new Option(
        '--cutoffs <set>',
        'JADAS disease-activity cut-offs: consolaro (Consolaro 2012/2014), consolaro-extrapolated (the same, with the polyarticular cut-offs extrapolated to psoriatic, enthesitis-related and undifferentiated JIA) or trincianti2021 (ACR 2021)',
      )
        .choices(CUTOFF_SET_IDS)
        .default('consolaro'),
    )
    .option(
      '--esr-uln <mm/h>',
      'ESR upper limit of normal, for inactive disease',
      positiveNumber('--esr-uln'),
      DEFAULT_ESR_UPPER_LIMIT,
    )
    .option(
      '--crp-uln <mg/L>',
      'CRP upper limit of normal, for inactive disease',
      positiveNumber('--crp-uln'),
      DEFAULT_CRP_UPPER_LIMIT_MG_PER_L,
    )
    .addOption(
      new Option(
        '--systemic-jia-acr <rule>',
        'JIA-ACR of systemic-JIA visits: standard (Giannini 1997) or adapted (also without fever at the follow-up)',
      )
        .choices(SYSTEMIC_JIA_ACR_RULES)
        .default('standard'),
    )
    .option(
      '--max-errors <n>',
      'list at most this many problems (the rest are counted)',
      positiveInteger,
      100,
    )
    .addOption(
      new Option(
        '--threads <n>',
        `threads to use: 1 or 2 (default: 2 for files of ${PARALLEL_MIN_BYTES / 2 ** 20} MiB or more on a machine with 2 cores)`,
      ).argParser(threadCount),
    )
    .addHelpText('after', SCORE_HELP)
    .action((file: string, opts: Record<string, unknown>) => {
      const options: ScoreCommandOptions = {
        out: opts.out as string | undefined,
        format: opts.format as ScoreCommandOptions['format'],
        cutoffs: opts.cutoffs as ScoreCommandOptions['cutoffs'],
        esrUpperLimit: opts.esrUln as number,
        crpUpperLimit: opts.crpUln as number,
        systemicJiaAcr: opts.systemicJiaAcr as ScoreCommandOptions['systemicJiaAcr'],
        maxErrors: opts.maxErrors as number,
        threads: opts.threads as number | undefined,
        // Progress goes to standard error, on a terminal only (a pipe or a log gets none).
        progress:
          (io.stderr as { isTTY?: boolean }).isTTY === true
            ? (text: string) => io.stderr.write(text)
            : undefined,
      };
      run(() =>
        runScore(
          file,
          options,
          (bytes) =>
            new Promise<void>((resolve, reject) => {
              io.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
            }),
        ),
      );
    });
  registerStoreCommands(program, io, run);
  // The store commands that act as a named actor share one set of outputs.
  const storeCommandIo = {
    env: io.env ?? process.env,
    out: (text: string) => io.stdout.write(text),
    note: (text: string) => io.stderr.write(`${text}\n`),
    progressTty: false,
  };
  registerAuditShowCommand(program, storeCommandIo, run);
  registerLockCommands(program, storeCommandIo, run);
  registerSdvCommands(program, storeCommandIo, run);
  registerRandomisationCommands(program, storeCommandIo, run);
  registerDoseCommand(program, (text) => io.stdout.write(text), run);
  const commandIo = {
    out: (text: string) => io.stdout.write(text),
    note: (text: string) => io.stderr.write(`${text}\n`),
    today: localToday,
    env: io.env ?? process.env,
  };
  registerStatusCommand(program, commandIo, run);
  registerCheckCommand(program, { ...commandIo, progressTty: false }, run);
  registerReportCommands(program, commandIo, run);
  registerServeCommand(program, commandIo, run);
  registerUserCommands(
    program,
    { ...commandIo, readStdin: () => readAll(io.stdin ?? process.stdin) },
    run,
  );
  markRequiredOptions(program);
  return program;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** Today in the machine's time zone: the clinic's day, not UTC's. */
function localToday(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Streams that already carry the no-op 'error' listener (one per stream). */
const guardedStreams = new WeakSet<Writable>();

const EXIT_OK = 0;
const EXIT_USAGE_ERROR = EXIT_CODES.usage;

/** Runs the CLI with `argv` (without node and script path) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = process): Promise<number> {
  let pending: Promise<void> | undefined;
  // Write failures (a closed pipe) arrive through the write callbacks; without a listener the
  // stream's 'error' event, which may come after main has returned, would end the process
  // with a stack trace.
  if (!guardedStreams.has(io.stdout)) {
    guardedStreams.add(io.stdout);
    io.stdout.on('error', () => {});
  }
  const debug = argv.includes('--debug');
  const args = argv.filter((arg) => arg !== '--debug');
  const program = buildProgram(io, (action) => {
    pending = action();
  });
  try {
    if (args.length === 0) {
      program.outputHelp();
      return EXIT_USAGE_ERROR;
    }
    await program.parseAsync([...args], { from: 'user' });
    await pending;
    return EXIT_OK;
  } catch (error) {
    // --help and --version end through exitOverride too, with exit code 0; commander has
    // already printed its own usage errors.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE_ERROR;
    if ((error as NodeJS.ErrnoException).code === 'EPIPE') return EXIT_OK; // the reader stopped early (| head)
    return reportError(error, { ...io, json: args.includes('--json'), debug });
  }
}
