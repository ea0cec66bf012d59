/** The database commands' command-line definitions (docs/store.md). */
import type { Writable } from 'node:stream';
import { JiaError } from '@jia-trial/errors';
import type { Command } from 'commander';
import { positiveInteger } from '../cli-args.js';
import {
  checkFormatOptions,
  registerExchangeOptions,
  requiredOut,
  runExchangeExport,
  runExchangeImport,
} from './register-exchange.js';
import type { StoreIo } from './store-commands.js';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./store-commands.js');
const importCommands = () => import('./import-commands.js');

interface ImportCommandOptions {
  study?: string;
  reason?: string;
  actor?: string;
  replace?: boolean;
  addSubjects?: boolean;
  dryRun?: boolean;
  revert?: string;
  maxErrors: number;
  json?: boolean;
  format: string;
}

const DATABASE_HELP = `
Database: DATABASE_URL (postgres://...) names an external PostgreSQL, connecting as the
application's role (a member of jia_trial_runtime: it reads and writes the trial's data, but
cannot change the schema or the audit trail); JIA_OWNER_DATABASE_URL names the same database as
the owner role, for migrations and restore (without it, DATABASE_URL's role does everything).
Without DATABASE_URL the embedded PostgreSQL on JIA_DATA_DIR (default ./data) is started, or
shared when another jia-trial command is using it, and stopped when the last one ends; it makes
both roles itself. docs/store.md, "Roles".`;

const ANCHOR_HELP = `
Anchor key: JIA_KEY_DIR, else $XDG_CONFIG_HOME/jia-trial, else ~/.config/jia-trial, holds
audit-anchor-key.pem (private, mode 0600, made on first use) and audit-anchor-key.pub.pem (copy
it alone to check anchors elsewhere). Keep the key away from the database's machine when the
trail must hold against its owner (docs/audit-trail.md, "Threat model").
JIA_AUDIT_UNSEALED_ALERT_SECONDS: the unsealed window's limit (default 300).`;

export function registerStoreCommands(
  program: Command,
  io: { stdout: Writable; stderr: Writable; env?: NodeJS.ProcessEnv },
  run: (action: () => Promise<void>) => void,
): void {
  const storeIo: StoreIo = {
    env: io.env ?? process.env,
    out: (text) => io.stdout.write(text),
    note: (text) => io.stderr.write(text.startsWith('\r') ? text : `${text}\n`),
    progressTty: (io.stderr as { isTTY?: boolean }).isTTY === true,
  };

  program
    .command('migrate')
    .summary('create or upgrade the database schema')
    .description('Applies the pending schema migrations (every command also does so on start).')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', DATABASE_HELP)
    .action((opts: { json?: boolean }) =>
      run(async () => (await commands()).runMigrate(storeIo, opts.json === true)),
    );

  program
    .command('import')
    .summary('store a study bundle (a folder of CSV files), or revert an import')
    .description(
      'Validates every file of the bundle (docs/bundle-format.md) and stores it as one study, all or ' +
        'nothing, as one audit batch whose number it prints. On bad input every problem is listed ' +
        '(file:line: column: why) and nothing is stored. New records are added, identical ones left ' +
        'alone (re-importing changes nothing), changed ones updated with --reason; records absent from ' +
        'the bundle are kept. New subjects for a study that already holds subjects are added only with ' +
        '--add-subjects (and a --reason). A record changed since the bundle was exported (its version ' +
        'column), or by someone else (a bundle without versions), is not replaced without --replace. ' +
        '--dry-run prints the plan (new, changed, unchanged, kept; per file and per subject) and changes ' +
        'nothing. --revert BATCH undoes an import by new audited changes (docs/data-management.md).',
    )
    .argument(
      '[bundle-dir]',
      'folder with subjects.csv, visits.csv, medications.csv, infusions.csv, adverse_events.csv [, study.csv, joints.csv, chaq.csv, damage.csv, eligibility.csv]; with --format odm, the ODM file',
    )
    .option(
      '--study <id>',
      "study id (default: the bundle's study.csv, else the folder name); must agree with study.csv",
    )
    .option(
      '--reason <text>',
      'reason for change, required when the bundle changes stored records, with --add-subjects and with --revert',
    )
    .option('--actor <name>', 'who is importing, for the audit trail (default: os:<login>)')
    .option(
      '--replace',
      'replace records changed since the bundle was exported, or by someone else (needs --reason)',
    )
    .option(
      '--add-subjects',
      'add new subjects to a study that already holds subjects (needs --reason)',
    )
    .option(
      '--dry-run',
      'print what the import would do (and what would refuse it); change nothing',
    )
    .option(
      '--revert <batch>',
      'undo import batch BATCH (printed by the import; jia-trial audit batches lists them) by new audited changes; needs --reason',
    )
    .option('--max-errors <n>', 'list at most this many problems', positiveInteger, 100)
    .option('--json', 'print the counts (or the plan) as JSON')
    .option(
      '--format <format>',
      'bundle (a folder of CSV files) or odm (a CDISC ODM 1.3.2 Snapshot file; docs/interop.md)',
      'bundle',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 imported (or nothing to change; a dry run printed its plan); 1 refused, nothing
imported (VALIDATION_FAILED, VERSION_CONFLICT, ADD_SUBJECTS_REQUIRED, REASON_REQUIRED,
STUDY_MISMATCH, BATCH_NOT_REVERTIBLE; docs/errors.md); 2 usage error.${DATABASE_HELP}`,
    )
    .action((dir: string | undefined, opts: ImportCommandOptions) =>
      run(async () => {
        if (opts.revert !== undefined) {
          if (dir !== undefined || opts.dryRun || opts.addSubjects || opts.replace)
            throw new JiaError(
              'USAGE_ERROR',
              '--revert BATCH takes no bundle and no --dry-run, --add-subjects or --replace',
            );
          const imports = await importCommands();
          return imports.runRevert(storeIo, imports.parseBatch(opts.revert), {
            study: opts.study,
            reason: opts.reason,
            actor: opts.actor,
            json: opts.json === true,
          });
        }
        if (dir === undefined)
          throw new JiaError('USAGE_ERROR', "missing required argument 'bundle-dir'");
        const options = {
          study: opts.study,
          reason: opts.reason,
          actor: opts.actor,
          replace: opts.replace === true,
          addSubjects: opts.addSubjects === true,
          dryRun: opts.dryRun === true,
          maxErrors: opts.maxErrors,
          json: opts.json === true,
        };
        return opts.format !== 'bundle'
          ? runExchangeImport(storeIo, dir, { ...options, format: opts.format })
          : (await importCommands()).runImport(storeIo, dir, options);
      }),
    );

  const exportCommand = program
    .command('export')
    .summary('write a study as a bundle')
    .description(
      'Writes every file of a study bundle, read in one consistent snapshot; it imports back to the same data.',
    )
    .option(
      '--out <dir>',
      'folder to write (created when missing; bundle files in it are replaced); with --format odm or fhir, the file to write',
    )
    .option('--study <id>', 'study id (default: the only study)')
    .option('--json', 'print the row counts as JSON');
  registerExchangeOptions(exportCommand)
    .addHelpText('after', DATABASE_HELP)
    .action((opts: { out?: string; study?: string; json?: boolean; format: string }) =>
      run(async () =>
        opts.format !== 'bundle' || checkFormatOptions(opts)
          ? runExchangeExport(storeIo, opts)
          : (await commands()).runExport(storeIo, {
              out: requiredOut(opts.out),
              study: opts.study,
              json: opts.json === true,
            }),
      ),
    );

  program
    .command('verify-audit')
    .summary('check the audit trail for tampering')
    .description(
      'Recomputes every audit event hash and the hash chain, names the first broken link, and checks ' +
        'that every clinical row is what its audit trail says. Exit 1 when anything is wrong.',
    )
    .option('--json', 'print the report as JSON (the head is head.blockSeq and head.hash)')
    .option(
      '--expect-head <SEQ:HASH>',
      'a head kept outside the database: the chain must hold that block with that hash (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--anchors <file>',
      'signed anchors (jia-trial audit anchor, one per line) to check the same way (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .addHelpText('after', `${ANCHOR_HELP}${DATABASE_HELP}`)
    .action((opts: { json?: boolean; expectHead: string[]; anchors: string[] }) =>
      run(async () =>
        (await commands()).runVerifyAudit(storeIo, {
          json: opts.json === true,
          expectHeads: opts.expectHead,
          anchors: opts.anchors,
        }),
      ),
    );

  program
    .command('audit')
    .summary('anchor the audit trail outside the database')
    .command('anchor')
    .summary("print a signed statement of the audit chain's head")
    .description(
      'Verifies the audit trail, then prints its head (block number and hash) signed with an Ed25519 ' +
        'key kept outside the database, as one JSON line: mail it or store it elsewhere, and check it ' +
        'later with verify-audit --anchors FILE. A rewritten or shortened chain cannot reproduce it.',
    )
    .addHelpText('after', `${ANCHOR_HELP}${DATABASE_HELP}`)
    .action(() => run(async () => (await commands()).runAuditAnchor(storeIo)));

  program.commands
    .find((c) => c.name() === 'audit')
    ?.command('batches')
    .summary("list a study's import batches (to find the one to revert)")
    .description(
      'Lists the import batches of a study, oldest first: the batch number (for `jia-trial import ' +
        '--revert BATCH`), when, who, how many audit events, where the records came from, how many ' +
        'subjects were added, the reason, and whether it was reverted (and by which batch). Read-only.',
    )
    .requiredOption('--study <id>', 'the study')
    .option('--json', 'print the batches as JSON')
    .addHelpText('after', DATABASE_HELP)
    .action((opts: { study: string; json?: boolean }) =>
      run(async () =>
        (await importCommands()).runAuditBatches(storeIo, {
          study: opts.study,
          json: opts.json === true,
        }),
      ),
    );

  program
    .command('backup')
    .summary('write a consistent copy of the whole database')
    .argument('<dir>', 'new folder to write the backup to')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', DATABASE_HELP)
    .action((dir: string, opts: { json?: boolean }) =>
      run(async () => (await commands()).runBackup(storeIo, dir, opts.json === true)),
    );

  program
    .command('restore')
    .summary('load a backup into an empty database')
    .argument('<dir>', 'a folder written by jia-trial backup')
    .option('--json', 'print the audit verification as JSON')
    .addHelpText('after', DATABASE_HELP)
    .action((dir: string, opts: { json?: boolean }) =>
      run(async () => (await commands()).runRestore(storeIo, dir, opts.json === true)),
    );
}
