/** `jia-trial user ...`'s command-line definitions (docs/server.md, "Accounts"). */
import { codesOf, type Role } from '@jia-trial/dictionary';
import { type Command, Option } from 'commander';
import type { UserIo } from './user-commands.js';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./user-commands.js');

const ROLES = codesOf('role');
const review = () => import('./access-review-command.js');

export function registerUserCommands(
  program: Command,
  io: UserIo,
  run: (action: () => Promise<void>) => void,
): void {
  const user = program
    .command('user')
    .summary('manage accounts and their roles (without the browser)')
    .description(
      'Accounts sign in to the server; roles are held per study, and site-bound roles per site ' +
        '(docs/roles.md). Every change is audited, made by os:<login> (or --actor). Passwords: a ' +
        'one-time password is generated and printed once (the user chooses a new one at first ' +
        'sign-in), or read from standard input with --password-stdin.',
    );
  const actor = () => new Option('--actor <name>', 'who makes the change, for the audit trail');
  user
    .command('add')
    .argument('<username>', 'lower-case letters, digits and . _ @ -')
    .option('--name <display-name>', 'the name shown in the audit trail and printed on signatures')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .addOption(actor())
    .action((username: string, opts: { name?: string; passwordStdin?: boolean; actor?: string }) =>
      run(async () =>
        (await commands()).runUserAdd(io, username, {
          ...opts,
          passwordStdin: opts.passwordStdin === true,
        }),
      ),
    );
  for (const change of ['grant', 'revoke'] as const)
    user
      .command(change)
      .argument('<username>')
      .requiredOption('--study <id>', 'the study')
      .addOption(new Option('--role <role>', 'the role').choices(ROLES).makeOptionMandatory())
      .option('--site <code>', 'for a site-bound role: one site (default: every site)')
      .option(
        '--reason <text>',
        change === 'revoke' ? 'why (required: a revocation is audited)' : 'why',
      )
      .addOption(actor())
      .action(
        (
          username: string,
          opts: { study: string; role: Role; site?: string; reason?: string; actor?: string },
        ) => run(async () => (await commands()).runUserRole(io, change, username, opts)),
      );
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const)
    user
      .command(name)
      .argument('<username>')
      .requiredOption('--reason <text>', 'why (audited)')
      .addOption(actor())
      .action((username: string, opts: { reason: string; actor?: string }) =>
        run(async () => (await commands()).runUserDisable(io, username, disabled, opts)),
      );
  user
    .command('reset')
    .summary('set a new password, unlock the account and end its sessions')
    .argument('<username>')
    .requiredOption('--reason <text>', 'why (audited)')
    .option('--password-stdin', 'read the new password from standard input (one line)')
    .addOption(actor())
    .action((username: string, opts: { reason: string; passwordStdin?: boolean; actor?: string }) =>
      run(async () =>
        (await commands()).runUserReset(io, username, {
          ...opts,
          passwordStdin: opts.passwordStdin === true,
        }),
      ),
    );
  user
    .command('valid-until')
    .summary("set an account's last day (UTC), or none")
    .argument('<username>')
    .argument('<day>', 'YYYY-MM-DD (the last day it may sign in), or none')
    .requiredOption('--reason <text>', 'why (audited)')
    .addOption(actor())
    .action((username: string, day: string, opts: { reason: string; actor?: string }) =>
      run(async () => (await commands()).runUserValidUntil(io, username, day, opts)),
    );
  user
    .command('second-factor-reset')
    .summary("remove an account's second factor (a lost device): the user enrols again")
    .argument('<username>')
    .requiredOption('--reason <text>', 'why (audited)')
    .addOption(actor())
    .action((username: string, opts: { reason: string; actor?: string }) =>
      run(async () => (await commands()).runSecondFactorReset(io, username, opts)),
    );
  user
    .command('list')
    .option('--json', 'print the accounts as JSON')
    .action((opts: { json?: boolean }) =>
      run(async () => (await commands()).runUserList(io, opts.json === true)),
    );
  program
    .command('access-review')
    .summary("a study's access review: who holds which role where, since when, until when")
    .description(
      'Every role grant of the study: the account, the role and its site, its last day, who ' +
        "granted it and when (from the audit trail), the account's state (active, suspended, " +
        'expired), lock, second factor and last sign-in (docs/data-management.md). Read-only.',
    )
    .requiredOption('--study <id>', 'the study')
    .addOption(
      new Option('--format <format>', 'csv (a spreadsheet) or json')
        .choices(['csv', 'json'])
        .default('csv'),
    )
    .action((opts: { study: string; format: string }) =>
      run(async () => (await review()).runAccessReview(io, opts)),
    );
}
