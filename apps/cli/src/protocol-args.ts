/** Options shared by the commands that apply a protocol: --protocol and --as-of. */
import { parseIsoDate } from '@jia-trial/outcomes';
import type { ProtocolDefinition } from '@jia-trial/protocol';
import { protocolById } from '@jia-trial/protocols';
import { UsageError } from './cli-errors.js';

/** The protocol named by --protocol; an unknown name is a usage error listing the known ones. */
export function protocolOption(name: string): ProtocolDefinition {
  try {
    return protocolById(name);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** --as-of, or today when absent; a malformed date is a usage error. */
export function asOfOption(asOf: string | undefined, today: () => string): string {
  const value = asOf ?? today();
  if (parseIsoDate(value) === null)
    throw new UsageError(`--as-of must be a date (YYYY-MM-DD), got ${JSON.stringify(value)}`);
  return value;
}
