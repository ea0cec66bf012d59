/**
 * The protocols jia-trial ships, by id (the `--protocol` of the command line): `msc-jia`, the
 * MSC pilot, `jia-cohort`, an observational cohort, and `jia-withdrawal`, a randomised
 * placebo-controlled withdrawal trial.
 */
import { JiaError } from '@jia-trial/errors';
import type { ProtocolDefinition } from '@jia-trial/protocol';
import { JIA_COHORT } from './jia-cohort/protocol.js';
import { JIA_WITHDRAWAL } from './jia-withdrawal/protocol.js';
import { MSC_JIA } from './msc-jia/protocol.js';

export { JIA_DRUGS } from './data/drugs.js';
export { EMA_JIA_INDICATIONS } from './data/ema-jia-indications.js';
export { JIA_COHORT, JIA_WITHDRAWAL, MSC_JIA };

export const PROTOCOLS: Readonly<Record<string, ProtocolDefinition>> = {
  'msc-jia': MSC_JIA,
  'jia-cohort': JIA_COHORT,
  'jia-withdrawal': JIA_WITHDRAWAL,
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
