/** `jia-trial status`'s command-line definition. */

import { PROTOCOL_IDS } from '@jia-trial/protocols/ids';
import type { Command } from 'commander';
import { positiveInteger } from '../cli-args.js';
import type { StatusIo } from './status-command.js';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./status-command.js');

export function registerStatusCommand(
  program: Command,
  io: StatusIo,
  run: (action: () => Promise<void>) => void,
): void {
  program
    .command('status')
    .summary("each subject's state, due visits, alerts and retreatment decision")
    .description(
      'Evaluates every subject of a study (a bundle, or a study in the database) under the protocol as of a day: state (screening, ' +
        'eligible, not eligible, enrolled, infused, in follow-up, completed, withdrawn), eligibility ' +
        'criterion by criterion, the visit schedule (upcoming, due, overdue, missed, done), dose checks, ' +
        'safety alerts and whether another infusion is allowed, each with its reasons. Only data dated on ' +
        'or before --as-of counts. docs/protocol-engine.md describes the rules.',
    )
    .argument('[bundle-dir]', 'a study bundle (docs/bundle-format.md); or --study')
    .option(
      '--study <id>',
      'a study in the database instead of a bundle (DATABASE_URL or JIA_DATA_DIR)',
    )
    .option('--as-of <date>', 'the day to evaluate on, YYYY-MM-DD (default: today)')
    .option('--protocol <id>', `the protocol (${PROTOCOL_IDS.join(', ')})`, 'msc-jia')
    .option('--subject <id>', 'only this subject')
    .option('--json', 'print { asOf, protocol, subjects: [...] } as JSON')
    .option('--max-errors <n>', 'list at most this many bundle problems', positiveInteger, 100)
    .action(
      (
        dir: string | undefined,
        opts: {
          study?: string;
          asOf?: string;
          protocol: string;
          subject?: string;
          json?: boolean;
          maxErrors: number;
        },
      ) =>
        run(async () =>
          (await commands()).runStatus(
            io,
            { dir, study: opts.study },
            {
              asOf: opts.asOf,
              protocol: opts.protocol,
              subject: opts.subject,
              json: opts.json === true,
              maxErrors: opts.maxErrors,
            },
          ),
        ),
    );
}
