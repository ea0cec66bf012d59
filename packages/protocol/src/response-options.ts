/**
 * The JIA-ACR options a protocol prescribes for a subject: the adapted rule for systemic JIA
 * (absence of fever at the follow-up as well; De Benedetti 2012; ADR 0019) when the protocol's
 * `systemicJiaAcr` is 'adapted' and the subject has systemic JIA, else the standard rule of
 * Giannini 1997. Every place that judges a protocol's response (retreatment, the study
 * analysis) takes its JIA-ACR options from here, so that one protocol is scored one way.
 */
import { type IlarCategory, type JiaAcrOptions, jiaAcrOptionsFor } from '@jia-trial/outcomes';
import type { ProtocolDefinition } from './definition.js';

export function jiaAcrOptionsOf(
  protocol: Pick<ProtocolDefinition, 'systemicJiaAcr'>,
  ilarCategory: IlarCategory | null | undefined,
): JiaAcrOptions {
  return jiaAcrOptionsFor(ilarCategory, protocol.systemicJiaAcr ?? 'standard');
}
