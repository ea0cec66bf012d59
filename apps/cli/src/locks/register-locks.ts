/** `jia-trial lock`, `unlock` and `locks`: the command-line definitions (locks-command.ts). */
import { LOCK_KINDS, LOCK_SCOPES, type LockScope } from '@jia-trial/dictionary';
import { type Command, Option } from 'commander';
import type { StoreIo } from '../store/store-commands.js';

// Loaded when the command runs, so that every other command starts without it.
const commands = () => import('./locks-command.js');

export function registerLockCommands(
  program: Command,
  io: StoreIo,
  run: (action: () => Promise<void>) => void,
): void {
  program
    .command('lock')
    .summary('lock or freeze a visit, a subject casebook or the whole study')
    .description(
      'Places a lock in force, with a reason. A freeze stops every change of the data it covers ' +
        '(queries and signatures go on); a lock (the default) stops everything. The key is the visit ' +
        "id (--scope visit), the subject id (--scope subject) or the study's id (--scope study). " +
        'Every path refuses a covered write with RECORD_LOCKED until `jia-trial unlock`.',
    )
    .option('--study <id>', "the study (default: the database's only study)")
    .addOption(
      new Option('--scope <scope>', 'what is locked').choices(LOCK_SCOPES).makeOptionMandatory(),
    )
    .requiredOption('--key <key>', 'the visit id, subject id or study id')
    .requiredOption('--reason <text>', 'why (kept on the lock and in the audit trail)')
    .addOption(new Option('--kind <kind>', 'freeze or lock').choices(LOCK_KINDS).default('lock'))
    .option('--actor <name>', 'who locks, as the audit trail names them')
    .option('--json', 'print the lock as JSON')
    .action(
      (opts: {
        study?: string;
        scope: string;
        key: string;
        reason: string;
        kind: string;
        actor?: string;
        json?: boolean;
      }) => run(async () => (await commands()).runLock(io, { ...opts, json: opts.json === true })),
    );
  program
    .command('unlock')
    .summary('release a lock, with a reason')
    .description(
      'Releases a lock in force (L-<n>); the reason is kept on the lock and in the audit trail.',
    )
    .argument('<lockId>', 'the lock, e.g. L-3')
    .option('--study <id>', "the study (default: the database's only study)")
    .requiredOption('--reason <text>', 'why the lock is released')
    .option('--actor <name>', 'who releases it, as the audit trail names them')
    .option('--json', 'print the released lock as JSON')
    .action(
      (lockId: string, opts: { study?: string; reason: string; actor?: string; json?: boolean }) =>
        run(async () =>
          (await commands()).runUnlock(io, { ...opts, lockId, json: opts.json === true }),
        ),
    );
  program
    .command('locks')
    .summary("list a study's locks: in force and released")
    .description(
      'Lists the locks newest first, each with what it covers, its kind, who placed it, when and why, ' +
        'and its release. --subject: the locks over that subject (its own, its visits, the study).',
    )
    .option('--study <id>', "the study (default: the database's only study)")
    .addOption(new Option('--scope <scope>', 'only locks of this scope').choices(LOCK_SCOPES))
    .option('--subject <id>', "only the locks over this subject's records")
    .option('--in-force', 'only the locks in force')
    .option('--json', 'print the locks as JSON')
    .action(
      (opts: {
        study?: string;
        scope?: LockScope;
        subject?: string;
        inForce?: boolean;
        json?: boolean;
      }) =>
        run(async () =>
          (await commands()).runLocks(io, {
            ...opts,
            inForce: opts.inForce === true,
            json: opts.json === true,
          }),
        ),
    );
}
