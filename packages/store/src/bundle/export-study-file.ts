/**
 * The study file of an exported bundle, study.csv (docs/bundle-format.md; ADR 0035): the study's
 * id and whether its data are synthetic, from the study row in the export's snapshot, so that
 * the bundle imports back into its own study and a report of it says whether it is synthetic.
 * Written as every export file is: to `<name>.partial`, created exclusively and private, then
 * renamed. A study id never needs CSV quoting (STUDY_ID_PATTERN).
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { STUDY_FILE, STUDY_FILE_COLUMNS } from '@jia-trial/dictionary';
import type pg from 'pg';
import { createExclusively } from './export-bundle.js';

export async function exportStudyFile(
  client: pg.ClientBase,
  studyId: string,
  outDir: string,
): Promise<void> {
  const result = await client.query<{ synthetic: boolean }>(
    'SELECT synthetic FROM study WHERE study_id = $1',
    [studyId],
  );
  const synthetic = result.rows[0]?.synthetic === true;
  const target = join(outDir, STUDY_FILE);
  const partial = `${target}.partial`;
  const handle = await createExclusively(partial);
  try {
    await handle.writeFile(
      `${STUDY_FILE_COLUMNS.join(',')}\n${studyId},${synthetic ? 'true' : 'false'}\n`,
    );
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, target);
}
