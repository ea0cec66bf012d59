/**
 * The protocols jia-trial ships, by id (the `--protocol` of the command line): `msc-jia`, the
 * MSC pilot, and `jia-cohort`, an observational cohort.
 */
import { JiaError } from '@jia-trial/errors';
import type { ProtocolDefinition } from '@jia-trial/protocol';
import { JIA_COHORT } from './jia-cohort/protocol.js';
import { MSC_JIA } from './msc-jia/protocol.js';

export { JIA_DRUGS } from './data/drugs.js';
export { EMA_JIA_INDICATIONS } from './data/ema-jia-indications.js';
export { JIA_COHORT, MSC_JIA };

export const PROTOCOLS: Readonly<Record<string, ProtocolDefinition>> = {
  'msc-jia': MSC_JIA,
  'jia-cohort': JIA_COHORT,
};

/** The protocol of that id, or null (also for no id); own properties only, so `constructor` or `__proto__` name none. */
export function findProtocol(name: string | null | undefined): ProtocolDefinition | null {
  return name && Object.hasOwn(PROTOCOLS, name) ? (PROTOCOLS[name] ?? null) : null;
}

export function protocolById(name: string): ProtocolDefinition {
  const protocol = findProtocol(name);
  if (!protocol)
    throw new JiaError(
      'NOT_FOUND',
      `unknown protocol ${JSON.stringify(name)} (known: ${Object.keys(PROTOCOLS).join(', ')})`,
    );
  return protocol;
}
