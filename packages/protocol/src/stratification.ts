/**
 * The subject fields a protocol may stratify its randomisation by, apart from the schema
 * (randomisation-schema.ts) so that the dictionary's check of them (randomisation-check.ts) loads
 * no zod at the command line's start-up (apps/cli/src/startup.test.ts).
 */
import { ILAR_CATEGORY_CODES } from '@jia-trial/outcomes';
import { SEXES } from './timeline.js';

/**
 * The subject fields a protocol may stratify by, with their codes (the levels a stratum takes
 * when the protocol does not group them). Field names are those of the field dictionary's
 * subject record (subjects.csv); the codes are the very lists the dictionary's code lists take
 * (ILAR categories from @jia-trial/outcomes, sex from this package); a test of
 * @jia-trial/dictionary checks that each is a coded field of the subject record with exactly
 * these codes. The site is not here: sites are the study's, not the protocol's.
 */
export const STRATIFICATION_FIELDS = {
  ilar_category: ILAR_CATEGORY_CODES,
  sex: SEXES,
} as const satisfies Readonly<Record<string, readonly string[]>>;
export type StratificationField = keyof typeof STRATIFICATION_FIELDS;
