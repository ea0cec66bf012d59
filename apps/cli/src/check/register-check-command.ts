/** `jia-trial check`'s command-line definition. */
import type { Command } from 'commander';
import type { StoreIo } from '../store/store-commands.js';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./check-command.js');

export function registerCheckCommand(
  program: Command,
  io: StoreIo & { today(): string },
  run: (action: () => Promise<void>) => void,
): void {
  program
    .command('check')
    .summary("run the data-quality checks over a stored study's data")
    .description(
      "Runs the study's data-quality rules (ranges, cross-field checks, visit windows, expected " +
        "values, the protocol engine's deviations) over every subject in the database and keeps what " +
        'they find as discrepancies: new ones opened, corrected ones resolved, exclusions kept while ' +
        'the values they were made for are unchanged. Prints a summary; --list adds the open ' +
        'discrepancies by site and subject. docs/data-management.md describes the rules.',
    )
    .requiredOption('--study <id>', 'the study in the database (DATABASE_URL or JIA_DATA_DIR)')
    .option('--as-of <date>', 'the day the protocol is evaluated on, YYYY-MM-DD (default: today)')
    .option('--protocol <id>', 'the protocol, when the study has none stored')
    .option('--actor <name>', 'who runs the check, as the audit trail names them')
    .option('--list', 'also list the open discrepancies')
    .option('--json', 'print the summary (and with --list the discrepancies) as JSON')
    .action(
      (opts: {
        study: string;
        asOf?: string;
        protocol?: string;
        actor?: string;
        list?: boolean;
        json?: boolean;
      }) =>
        run(async () =>
          (await commands()).runCheck(io, {
            ...opts,
            list: opts.list === true,
            json: opts.json === true,
          }),
        ),
    );
}
