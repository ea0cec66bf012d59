/** `jia-trial dose`'s command-line definition. */
import { PROTOCOL_IDS } from '@jia-trial/protocols/ids';
import { type Command, InvalidArgumentError } from 'commander';

// Loaded when the command runs, so that every other command starts without it (start-up time).
const commands = () => import('./dose-command.js');

const positive = (flag: string) => (value: string) => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(
      `${flag} must be a positive number, got ${JSON.stringify(value)}`,
    );
  return n;
};

export function registerDoseCommand(
  program: Command,
  out: (text: string) => void,
  run: (action: () => Promise<void>) => void,
): void {
  program
    .command('dose')
    .summary('the dose to order for a body weight, under a protocol')
    .description(
      "Weight on the infusion day x the protocol's dose per kg, the range its tolerance accepts, and " +
        'the volume from the concentration of the lot. With --requested, a dose outside the tolerance is ' +
        'refused (exit 1).',
    )
    .requiredOption('--weight <kg>', 'body weight on the infusion day, kg', positive('--weight'))
    .option('--protocol <id>', `the protocol (${PROTOCOL_IDS.join(', ')})`, 'msc-jia')
    .option(
      '--concentration <n>',
      'units per mL of the product lot (e.g. 2000000 cells/mL)',
      positive('--concentration'),
    )
    .option('--requested <n>', 'a dose to check against the tolerance', positive('--requested'))
    .option('--json', 'print the plan as JSON')
    .action(
      (opts: {
        weight: number;
        protocol: string;
        concentration?: number;
        requested?: number;
        json?: boolean;
      }) =>
        run(async () =>
          (await commands()).runDose(out, {
            weight: opts.weight,
            protocol: opts.protocol,
            concentration: opts.concentration,
            requested: opts.requested,
            json: opts.json === true,
          }),
        ),
    );
}
