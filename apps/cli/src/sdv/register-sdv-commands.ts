/**
 * `jia-trial sdv progress|list|verify` and `jia-trial transfer`: the command-line definitions of
 * a monitor's source data verification and a data manager's site transfer (sdv-commands.ts,
 * ../transfer/transfer-command.ts).
 */
import { RECORD_TYPES } from '@jia-trial/dictionary';
import { type Command, Option } from 'commander';
import { positiveInteger } from '../cli-args.js';
import type { StoreIo } from '../store/store-commands.js';

// Loaded when the command runs, so that every other command starts without them.
const sdv = () => import('./sdv-commands.js');
const transfer = () => import('../transfer/transfer-command.js');

const STUDY = "the study (default: the database's only study)";

export function registerSdvCommands(
  program: Command,
  io: StoreIo,
  run: (action: () => Promise<void>) => void,
): void {
  const group = program
    .command('sdv')
    .summary('source data verification: progress, the values left, mark values verified');
  group
    .command('progress')
    .summary('how many filled values are verified, by site and subject (and visit)')
    .description(
      "Counts the study's filled values and those verified against the source now, in all, by site " +
        'and by subject; with --subject, by visit too (a verification cleared by a change counts as ' +
        'not verified). Read-only.',
    )
    .option('--study <id>', STUDY)
    .option('--site <code>', 'only this site')
    .option('--subject <id>', 'only this subject, by visit')
    .option('--json', 'print the progress as JSON (as the API gives it)')
    .action((opts: { study?: string; site?: string; subject?: string; json?: boolean }) =>
      run(async () => (await sdv()).runSdvProgress(io, { ...opts, json: opts.json === true })),
    );
  group
    .command('list')
    .summary('the values left to verify (or those verified, or all)')
    .description(
      'Lists the filled values, one a line: subject (site), visit, record, field = value, and its ' +
        'state (not verified, verified by whom and when, or why a verification was cleared). ' +
        'Read-only.',
    )
    .option('--study <id>', STUDY)
    .option('--site <code>', 'only this site')
    .option('--subject <id>', 'only this subject')
    .option('--visit <id>', 'only this visit')
    .addOption(
      new Option('--state <state>', 'pending: left to verify')
        .choices(['pending', 'verified', 'all'])
        .default('pending'),
    )
    .option('--json', 'print the values as JSON (as the API gives them)')
    .action(
      (opts: {
        study?: string;
        site?: string;
        subject?: string;
        visit?: string;
        state: 'pending' | 'verified' | 'all';
        json?: boolean;
      }) => run(async () => (await sdv()).runSdvList(io, { ...opts, json: opts.json === true })),
    );
  group
    .command('verify')
    .summary("mark a subject's casebook, a visit, a record or a field verified against the source")
    .description(
      'Marks each filled value the target names, not verified yet, as verified by the actor now ' +
        "(a value verified already keeps its verification). The target: the subject's whole " +
        'casebook (--subject alone), one visit (--visit: its fields, joints, CHAQ answers and JADI ' +
        'items), one record (--table and --key, the key with or without its study: P01-V3), or one ' +
        'field of it (--field, its name or API key: esr). A change to a verified value clears its ' +
        'verification (docs/data-management.md).',
    )
    .option('--study <id>', STUDY)
    .requiredOption('--subject <id>', 'the subject')
    .option('--visit <id>', 'one visit of the subject')
    .addOption(
      new Option('--table <table>', "one record's type").choices(RECORD_TYPES.map((r) => r.id)),
    )
    .option('--key <key>', 'the record key (P01-V3 or msc-pilot/P01-V3)')
    .option('--field <name>', 'one field of the record (esr)')
    // Not --version: the program's own --version is read wherever it stands.
    .option(
      '--if-version <n>',
      'the record version you looked at (a change since: VERSION_CONFLICT)',
      positiveInteger,
    )
    .option('--reason <text>', 'for the audit trail (default: "source data verified")')
    .option('--actor <name>', 'who verifies, as the audit trail names them')
    .option('--json', 'print what was verified as JSON')
    .action(
      (opts: {
        study?: string;
        subject: string;
        visit?: string;
        table?: string;
        key?: string;
        field?: string;
        ifVersion?: number;
        reason?: string;
        actor?: string;
        json?: boolean;
      }) =>
        run(async () =>
          (await sdv()).runSdvVerify(io, {
            ...opts,
            version: opts.ifVersion,
            json: opts.json === true,
          }),
        ),
    );

  program
    .command('transfer')
    .summary('move a subject to another site of the study, with a reason')
    .description(
      "Changes the subject's site, and with it who may see the subject and all their records; " +
        'the transfer (from, to, who, when, why) is kept and audited under the reason. The target ' +
        'must be another site of the study.',
    )
    .option('--study <id>', STUDY)
    .requiredOption('--subject <id>', 'the subject')
    .requiredOption('--to-site <code>', 'the site the subject moves to')
    .requiredOption('--reason <text>', 'why (kept with the transfer and in the audit trail)')
    .option(
      '--if-version <n>',
      "the subject's version you looked at (a change since: VERSION_CONFLICT)",
      positiveInteger,
    )
    .option('--actor <name>', 'who transfers, as the audit trail names them')
    .option('--json', 'print the transfer as JSON')
    .action(
      (opts: {
        study?: string;
        subject: string;
        toSite: string;
        reason: string;
        ifVersion?: number;
        actor?: string;
        json?: boolean;
      }) =>
        run(async () =>
          (await transfer()).runTransfer(io, {
            ...opts,
            version: opts.ifVersion,
            json: opts.json === true,
          }),
        ),
    );
}
