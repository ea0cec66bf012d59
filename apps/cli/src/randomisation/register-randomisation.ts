/** `jia-trial randomisation generate|list|verify`: the command-line definitions (randomisation-command.ts). */
import type { Command } from 'commander';
import type { StoreIo } from '../store/store-commands.js';

// Loaded when the command runs, so that every other command starts without it.
const commands = () => import('./randomisation-command.js');

export function registerRandomisationCommands(
  program: Command,
  io: StoreIo,
  run: (action: () => Promise<void>) => void,
): void {
  const randomisation = program
    .command('randomisation')
    .summary("a study's allocation list: generate it (once), show its header, verify it")
    .description(
      "The study's allocation list, made from its protocol's randomisation (docs/data-management.md, " +
        '"Randomisation"). It is generated once from a seed and sealed: no command prints an entry or ' +
        'an arm. Subjects are randomised and unblinded in the web application or through the API.',
    );
  randomisation
    .command('generate')
    .summary('generate the allocation list from a seed and seal it (once per study)')
    .description(
      "Generates the list by the study's protocol from --seed (lower-case hex, at least 16 bytes) " +
        'or, without it, from 32 random bytes, and seals it: the seed and the entries are stored ' +
        'where only the database owner reads them; the header (seed digest, list digest, strata) is ' +
        'audited. A study with a list is refused (ALLOCATION_LIST_EXISTS).',
    )
    .option('--study <id>', "the study (default: the database's only study)")
    .option('--seed <hex>', 'the seed (default: 32 random bytes); it is kept sealed')
    .option('--actor <name>', 'who generates it, as the audit trail names them')
    .option('--json', 'print the header as JSON')
    .action((opts: { study?: string; seed?: string; actor?: string; json?: boolean }) =>
      run(async () => (await commands()).runGenerate(io, { ...opts, json: opts.json === true })),
    );
  randomisation
    .command('list')
    .summary("the list's header: digests, who generated it, each stratum's allocated and remaining")
    .option('--study <id>', "the study (default: the database's only study)")
    .option('--json', 'print the header as JSON')
    .action((opts: { study?: string; json?: boolean }) =>
      run(async () => (await commands()).runList(io, { ...opts, json: opts.json === true })),
    );
  randomisation
    .command('verify')
    .summary('recompute the sealed list digest, check the seed, regenerate the list and compare')
    .description(
      'Reads the sealed list as the database owner, recomputes its digest against the audited ' +
        "header's, checks the seed's digest and regenerates the list from the seed under the " +
        "study's protocol. Exit 0 when all agree, 1 with the problems named (never an arm).",
    )
    .option('--study <id>', "the study (default: the database's only study)")
    .option('--json', 'print the result as JSON')
    .action((opts: { study?: string; json?: boolean }) =>
      run(async () => (await commands()).runVerify(io, { ...opts, json: opts.json === true })),
    );
}
