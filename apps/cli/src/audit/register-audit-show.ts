/** `jia-trial audit show`'s command-line definition, beside `audit anchor` (store commands). */
import type { Command } from 'commander';
import type { StoreIo } from '../store/store-commands.js';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./audit-show-command.js');
const exportCommand = () => import('./audit-export-command.js');

export function registerAuditShowCommand(
  program: Command,
  io: StoreIo,
  run: (action: () => Promise<void>) => void,
): void {
  const audit = program.commands.find((c) => c.name() === 'audit') ?? program.command('audit');
  audit.summary(
    "read a record's audit trail (show), export a study's (export), anchor the trail outside the database (anchor)",
  );
  audit
    .command('show')
    .summary("print a record's or a subject's audit trail")
    .description(
      'Prints the audit events of one record (--table and --key, the record key as the trail writes ' +
        'it: study/key, e.g. msc-pilot/P01-V3) or of every clinical record of a subject (--subject), ' +
        'oldest first: when (UTC), the operation, who, the reason, and each value changed from what ' +
        'to what. Read-only.',
    )
    .requiredOption('--study <id>', 'the study')
    .option(
      '--table <table>',
      "the record's table (subject, visit, medication, infusion, adverse_event, ...)",
    )
    .option('--key <key>', 'the record key, e.g. msc-pilot/P01-V3')
    .option('--subject <id>', 'every clinical record of this subject instead')
    .option('--json', 'print the events as JSON')
    .action(
      (opts: { study: string; table?: string; key?: string; subject?: string; json?: boolean }) =>
        run(async () => (await commands()).runAuditShow(io, { ...opts, json: opts.json === true })),
    );
  audit
    .command('export')
    .summary("write a study's whole audit trail to a file, for an inspector")
    .description(
      "Writes every audit event of the study (its records' changes, and its accounts' sign-ins, " +
        'failed sign-ins, sign-outs and account changes) oldest first, as CSV (one event a row; ' +
        'values as JSON; cells that a spreadsheet would run as a formula prefixed with a quote) or ' +
        'JSON (an array of events as the API gives them), into a new private file (mode 0600; an ' +
        'existing file is refused). The export is recorded in the trail.',
    )
    .requiredOption('--study <id>', 'the study')
    .requiredOption('--out <file>', 'the new file to write')
    .option('--format <format>', 'csv or json', 'csv')
    .option('--actor <name>', 'who is exporting, for the audit trail (default: os:<login>)')
    .option('--json', 'print the result as JSON')
    .action(
      (opts: { study: string; out: string; format: string; actor?: string; json?: boolean }) =>
        run(async () =>
          (await exportCommand()).runAuditExport(io, { ...opts, json: opts.json === true }),
        ),
    );
}
