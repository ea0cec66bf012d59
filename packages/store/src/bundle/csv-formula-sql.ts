/**
 * The bundle's formula neutralisation (@jia-trial/dictionary csv-formula.ts) in SQL, for the two
 * places the database reads or writes bundle cells itself: the export's COPY writes text cells
 * through neutralisedSql, the import's merge reads staged text cells through restoredSql. Both
 * are built from the dictionary's one list of characters, and csv-formula-sql.test.ts checks that
 * they give exactly what neutraliseCell and restoreCell give.
 */
import { NEUTRALISED_FIRST_CHARACTERS, NEUTRALISING_QUOTE } from '@jia-trial/dictionary';
import { escapeLiteral } from 'pg';

const FIRST = NEUTRALISED_FIRST_CHARACTERS.map((c) => escapeLiteral(c)).join(', ');
const QUOTE = escapeLiteral(NEUTRALISING_QUOTE);

/** SQL of the text `expression` as its neutralised cell (neutraliseCell). */
export function neutralisedSql(expression: string): string {
  return `CASE WHEN left(${expression}, 1) IN (${FIRST}) THEN ${QUOTE} || ${expression} ELSE ${expression} END`;
}

/** SQL of the cell `expression` as the text it was neutralised from (restoreCell). */
export function restoredSql(expression: string): string {
  return `CASE WHEN left(${expression}, 1) = ${QUOTE} AND substr(${expression}, 2, 1) IN (${FIRST}) THEN substr(${expression}, 2) ELSE ${expression} END`;
}
