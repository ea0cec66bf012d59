/** `jia-trial audit show`'s command-line definition, beside `audit anchor` (store commands). */
import type { Command } from 'commander';
import type { StoreIo } from '../store/store-commands.js';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./audit-show-command.js');

export function registerAuditShowCommand(
  program: Command,
  io: StoreIo,
  run: (action: () => Promise<void>) => void,
): void {
  const audit = program.commands.find((c) => c.name() === 'audit') ?? program.command('audit');
  audit.summary(
    "read a record's audit trail (show), anchor the trail outside the database (anchor)",
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
}
