/**
 * A visit's CHAQ answer records (record type chaq_response: one per item, 0-3 or `na`, and
 * whether an aid, device or another person's help was used) as the outcome library's CHAQ input.
 * The questionnaire asks about aids and help per domain (Singh 1994; definitions.md section 5),
 * the record per item: a domain counts as aided when any of its answered items says so.
 */
import {
  CHAQ_DOMAIN_CODES,
  CHAQ_DOMAINS,
  type ChaqDomain,
  type ChaqInput,
  type ChaqItemCode,
  type ChaqResponse,
} from '@jia-trial/outcomes';

export interface ChaqAnswerValues {
  readonly item: string;
  readonly score: ChaqResponse;
  readonly aidOrHelp: boolean;
}

/** The CHAQ input of a visit's answers (unknown items are left to scoreChaq to refuse). */
export function chaqInputOf(answers: readonly ChaqAnswerValues[]): ChaqInput {
  const items: Partial<Record<ChaqItemCode, ChaqResponse>> = {};
  const aided = new Set<string>();
  for (const answer of answers) {
    items[answer.item as ChaqItemCode] = answer.score;
    if (answer.aidOrHelp) aided.add(answer.item);
  }
  const aids: Partial<Record<ChaqDomain, boolean>> = {};
  for (const domain of CHAQ_DOMAIN_CODES)
    if ((CHAQ_DOMAINS[domain].items as readonly string[]).some((item) => aided.has(item)))
      aids[domain] = true;
  return { items, aids };
}
