/**
 * Childhood Health Assessment Questionnaire (CHAQ) disability index (DI).
 *
 * Rule: 30 items in 8 domains, each answered 0 (without any difficulty), 1 (some difficulty),
 * 2 (much difficulty), 3 (unable to do) or "not applicable". A domain's score is its highest item
 * score, ignoring not-applicable and missing items; when aids/devices or help from another
 * person are used for a domain, its score is raised to at least 2 (2 and 3 stay). The DI is the
 * mean of the domain scores over the domains that have a score (range 0-3).
 *
 * Source: Singh G, Athreya BH, Fries JF, Goldsmith DP. Measurement of health status in children
 * with juvenile rheumatoid arthritis. Arthritis Rheum 1994;37(12):1761-1769.
 * doi:10.1002/art.1780371209, PMID 7986222. Scoring rules [S]: "Childhood Health Assessment
 * Questionnaire" in Patient Reported Outcome Measures in Rheumatic Diseases (Springer); item list
 * as in the RheumGuide.ca calculator.
 *
 * jia-trial decisions where the sources are silent (docs/clinical/chaq.md):
 * - Minimum scored domains: no DI when fewer than `minimumScoredDomains` (default 6, the
 *   Stanford HAQ convention, unconfirmed for the CHAQ) domains have a score.
 * - A domain with aid or help ticked but no answered item stays unscored: the aid rule raises
 *   a score, it does not create one. Such domains are reported in `aidOrHelpUnscored`.
 * - An unticked or empty aid/help box means "not used"; only items can be missing.
 * - "Not applicable" is an answer: an all-NA domain is unscored, but not missing.
 * - The DI is the exact mean rounded to 6 decimals (8/7 -> 1.142857). With 8 scored domains it is
 *   a multiple of 0.125 and exact. Round to 2 decimals only for display.
 */

import type { MeasureInfo } from './citations.js';
import { fromMicro, MICRO } from './decimal.js';
import type { Maybe, Outcome } from './result.js';

export const chaqMeasure: MeasureInfo = {
  id: 'chaq',
  name: 'CHAQ disability index',
  citations: ['singh1994'],
};

/** The 8 domains in questionnaire order, with their items' stable codes. */
export const CHAQ_DOMAINS = {
  dressing: {
    name: 'Dressing and grooming',
    items: ['dressing_1', 'dressing_2', 'dressing_3', 'dressing_4'],
  },
  arising: { name: 'Arising', items: ['arising_1', 'arising_2'] },
  eating: { name: 'Eating', items: ['eating_1', 'eating_2', 'eating_3'] },
  walking: { name: 'Walking', items: ['walking_1', 'walking_2'] },
  hygiene: {
    name: 'Hygiene',
    items: ['hygiene_1', 'hygiene_2', 'hygiene_3', 'hygiene_4', 'hygiene_5'],
  },
  reach: { name: 'Reach', items: ['reach_1', 'reach_2', 'reach_3', 'reach_4'] },
  grip: { name: 'Grip', items: ['grip_1', 'grip_2', 'grip_3', 'grip_4', 'grip_5'] },
  activities: {
    name: 'Activities',
    items: ['activities_1', 'activities_2', 'activities_3', 'activities_4', 'activities_5'],
  },
} as const;

export type ChaqDomain = keyof typeof CHAQ_DOMAINS;
export type ChaqItemCode = (typeof CHAQ_DOMAINS)[ChaqDomain]['items'][number];
/** 0 without any difficulty, 1 some, 2 much, 3 unable to do; 'na' not applicable. */
export type ChaqItemScore = 0 | 1 | 2 | 3;
export type ChaqResponse = ChaqItemScore | 'na';

/** The scoring constants, defined once. */
export const CHAQ_RULES = {
  maximumItemScore: 3,
  /** A domain with aids/devices or help scores at least this (Singh 1994). */
  aidOrHelpMinimum: 2,
  /** Default minimum number of scored domains for a DI [D: HAQ convention]. */
  defaultMinimumScoredDomains: 6,
} as const;

export const CHAQ_DOMAIN_CODES = Object.freeze(
  Object.keys(CHAQ_DOMAINS) as ChaqDomain[],
) as readonly ChaqDomain[];

export const CHAQ_ITEM_CODES: readonly ChaqItemCode[] = Object.freeze(
  CHAQ_DOMAIN_CODES.flatMap((domain): readonly ChaqItemCode[] => CHAQ_DOMAINS[domain].items),
);

export interface ChaqInput {
  /** Item responses by item code; absent, null or undefined means not answered. */
  readonly items: Readonly<Partial<Record<ChaqItemCode, Maybe<ChaqResponse>>>>;
  /** Aids or devices used, by domain; absent or null means not used. */
  readonly aids?: Readonly<Partial<Record<ChaqDomain, Maybe<boolean>>>>;
  /** Help from another person, by domain; absent or null means not used. */
  readonly help?: Readonly<Partial<Record<ChaqDomain, Maybe<boolean>>>>;
}

export interface ChaqOptions {
  /** Fewest scored domains for a DI, an integer 1-8 (default 6). */
  readonly minimumScoredDomains?: number;
}

export interface ChaqResult extends Outcome<number> {
  /** Each domain's score after the aid/help rule; null when no item of the domain was answered. */
  readonly domainScores: Readonly<Record<ChaqDomain, ChaqItemScore | null>>;
  readonly scoredDomains: number;
  /** Domains without a score (all items not applicable or missing), in domain order. */
  readonly unscoredDomains: readonly ChaqDomain[];
  /** Unscored domains whose aid or help box was ticked (the tick could not be applied). */
  readonly aidOrHelpUnscored: readonly ChaqDomain[];
}

const ITEM_DOMAIN: ReadonlyMap<string, ChaqDomain> = new Map(
  CHAQ_DOMAIN_CODES.flatMap((domain) =>
    CHAQ_DOMAINS[domain].items.map((item): [string, ChaqDomain] => [item, domain]),
  ),
);

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function isResponse(value: unknown): value is ChaqResponse {
  return value === 0 || value === 1 || value === 2 || value === 3 || value === 'na';
}

function checkItems(items: ChaqInput['items']): void {
  for (const [code, value] of Object.entries(items)) {
    if (!ITEM_DOMAIN.has(code)) {
      throw new RangeError(`unknown CHAQ item: ${code}`);
    }
    if (value !== null && value !== undefined && !isResponse(value)) {
      throw new RangeError(
        `invalid response for CHAQ item ${code}: ${describe(value)} (expected 0, 1, 2, 3 or 'na')`,
      );
    }
  }
}

function checkFlags(flags: ChaqInput['aids'], what: string): void {
  if (flags === undefined) return;
  for (const [domain, value] of Object.entries(flags)) {
    if (!Object.hasOwn(CHAQ_DOMAINS, domain)) {
      throw new RangeError(`unknown CHAQ domain for ${what}: ${domain}`);
    }
    if (value !== null && value !== undefined && typeof value !== 'boolean') {
      throw new RangeError(`invalid ${what} flag for CHAQ domain ${domain}: ${describe(value)}`);
    }
  }
}

function checkMinimum(minimum: number): void {
  if (!Number.isInteger(minimum) || minimum < 1 || minimum > CHAQ_DOMAIN_CODES.length) {
    throw new RangeError(
      `minimumScoredDomains must be an integer from 1 to ${CHAQ_DOMAIN_CODES.length}: ${minimum}`,
    );
  }
}

/** The domain's highest item score, ignoring 'na'; null when no item has a score. */
function highestItem(
  items: ChaqInput['items'],
  domain: ChaqDomain,
  missing: ChaqItemCode[],
): ChaqItemScore | null {
  let highest: ChaqItemScore | null = null;
  for (const item of CHAQ_DOMAINS[domain].items) {
    const response = items[item];
    if (response === null || response === undefined) missing.push(item);
    else if (response !== 'na' && (highest === null || response > highest)) highest = response;
  }
  return highest;
}

/**
 * Scores the CHAQ disability index. `value` is the DI (exact mean, 6 decimals), or null when
 * fewer than the minimum number of domains have a score. `complete` is true when every item was
 * answered (0-3 or 'na') and a DI was computed; `missing` lists the unanswered item codes.
 * Throws a RangeError naming the item (or domain) and value for an unknown code or a bad value.
 */
export function scoreChaq(input: ChaqInput, options: ChaqOptions = {}): ChaqResult {
  const minimum = options.minimumScoredDomains ?? CHAQ_RULES.defaultMinimumScoredDomains;
  checkMinimum(minimum);
  checkItems(input.items);
  checkFlags(input.aids, 'aids');
  checkFlags(input.help, 'help');

  const domainScores = {} as Record<ChaqDomain, ChaqItemScore | null>;
  const missing: ChaqItemCode[] = [];
  const unscoredDomains: ChaqDomain[] = [];
  const aidOrHelpUnscored: ChaqDomain[] = [];
  let sum = 0;
  let scored = 0;

  for (const domain of CHAQ_DOMAIN_CODES) {
    const highest = highestItem(input.items, domain, missing);
    const aidOrHelp = input.aids?.[domain] === true || input.help?.[domain] === true;
    if (highest === null) {
      unscoredDomains.push(domain);
      if (aidOrHelp) aidOrHelpUnscored.push(domain);
      domainScores[domain] = null;
      continue;
    }
    // Aid or help raises the domain to at least 2; a 2 or 3 stays as it is.
    const score =
      aidOrHelp && highest < CHAQ_RULES.aidOrHelpMinimum ? CHAQ_RULES.aidOrHelpMinimum : highest;
    domainScores[domain] = score;
    sum += score;
    scored++;
  }

  // sum <= 24 and scored <= 8: sum * MICRO / scored is computed exactly enough for Math.round,
  // and no quotient by 3, 6 or 7 lies on a half, so the rounding is the exact decimal's.
  const value = scored >= minimum ? fromMicro(Math.round((sum * MICRO) / scored)) : null;
  return {
    value,
    complete: value !== null && missing.length === 0,
    missing,
    domainScores,
    scoredDomains: scored,
    unscoredDomains,
    aidOrHelpUnscored,
  };
}
