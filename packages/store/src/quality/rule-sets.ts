/**
 * A study's data-quality rule set (migration quality, table quality_rule_set): stored as JSON,
 * validated by @jia-trial/dictionary's parseRuleSet before it is written, versioned by the
 * database (each change a new version, audited with its reason). A study without one is checked
 * against DEFAULT_RULE_SET, reported as version 0.
 */
import { DEFAULT_RULE_SET, parseRuleSet, type QualityRuleSet } from '@jia-trial/dictionary/quality';
import type pg from 'pg';
import { notFound, versionConflict } from '../errors.js';
import type { Transaction } from '../transaction.js';

export interface StudyRuleSet {
  readonly ruleSet: QualityRuleSet;
  /** The stored version; 0: the default rules (nothing stored). */
  readonly version: number;
  readonly isDefault: boolean;
}

/** The rule set study `studyId` is checked against. NOT_FOUND when there is no such study. */
export async function loadRuleSet(
  db: Pick<pg.ClientBase, 'query'>,
  studyId: string,
): Promise<StudyRuleSet> {
  const found = await db.query<{ rule_set: unknown; version: number | null }>(
    `SELECT r.rule_set, r.version FROM study s LEFT JOIN quality_rule_set r USING (study_id)
      WHERE s.study_id = $1`,
    [studyId],
  );
  const row = found.rows[0];
  if (!row) throw notFound(`there is no study ${studyId}`);
  if (row.version === null) return { ruleSet: DEFAULT_RULE_SET, version: 0, isDefault: true };
  // Validated when written; parsed again so that a rule set stored by an older jia-trial that
  // this one no longer reads is an error naming it, not a check that silently skips rules.
  return { ruleSet: parseRuleSet(row.rule_set), version: row.version, isDefault: false };
}

/**
 * Stores a study's rule set: the first (`basedOnVersion` 0, replacing the default rules) or a
 * new version of the stored one. VALIDATION_FAILED for a rule set the schema refuses;
 * VERSION_CONFLICT when another change came first. A change needs the transaction's reason.
 */
export async function saveRuleSet(
  tx: Transaction,
  studyId: string,
  input: unknown,
  basedOnVersion: number,
): Promise<StudyRuleSet> {
  const ruleSet = parseRuleSet(input);
  const current = await loadRuleSet(tx.client, studyId);
  if (current.version !== basedOnVersion)
    throw versionConflict('quality_rule_set', studyId, basedOnVersion, current.version);
  const written = await tx.client.query<{ version: number }>(
    basedOnVersion === 0
      ? `INSERT INTO quality_rule_set (study_id, rule_set) VALUES ($1, $2)
         ON CONFLICT (study_id) DO NOTHING RETURNING version`
      : `UPDATE quality_rule_set SET rule_set = $2 WHERE study_id = $1 AND version = $3
         RETURNING version`,
    basedOnVersion === 0
      ? [studyId, JSON.stringify(ruleSet)]
      : [studyId, JSON.stringify(ruleSet), basedOnVersion],
  );
  const row = written.rows[0];
  if (!row) {
    const now = await loadRuleSet(tx.client, studyId);
    throw versionConflict('quality_rule_set', studyId, basedOnVersion, now.version);
  }
  return { ruleSet, version: row.version, isDefault: false };
}
