/**
 * Writing a study as a bundle: its study file (export-study-file.ts), then one CSV per bundle
 * file, every column of the spec, rows in key order, all read in one snapshot (a consistent bundle even while others write). Each file is
 * produced by PostgreSQL's COPY in CSV format and written to `<name>.partial`, renamed when
 * complete. The temporary file is created exclusively (O_CREAT | O_EXCL: an existing file or a
 * planted symbolic link is refused, never written through) and private (0600: the bundle is
 * clinical data), and removed if the export fails. The output imports back to the same data
 * (apps/cli/src/store/import-command.test.ts). A text that a spreadsheet would read as a formula
 * is neutralised, reversibly (the dictionary's csv-formula.ts; docs/bundle-format.md).
 */
import { createWriteStream } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BUNDLE_FILES,
  type BundleColumn,
  type BundleFile,
  type BundleFileName,
  dbColumn,
  isNeutralisedField,
} from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { notFound } from '../errors.js';
import { withSnapshot } from '../transaction.js';
import { neutralisedSql } from './csv-formula-sql.js';
import { exportStudyFile } from './export-study-file.js';

/** A column name as an SQL identifier. */
const quote = escapeIdentifier;

/**
 * A column as bundle text: ISO dates, true/false, numbers as stored, `na` for a CHAQ n/a (the
 * export writes it; loadStudyTimelines reads it).
 */
export function bundleTextExpression(file: BundleFile, column: BundleColumn): string {
  const source = quote(dbColumn(file, column.name));
  if (column.sqlType === 'date') return `to_char(${source}, 'YYYY-MM-DD')`;
  if (column.type === 'chaq_score') return `coalesce(${source}::text, 'na')`;
  return `${source}::text`;
}

export type ExportProgress = (
  file: BundleFileName,
  rowsWritten: number,
  rowsInFile: number,
) => void;

export interface ExportResult {
  readonly studyId: string;
  readonly files: ReadonlyArray<{ readonly file: BundleFileName; readonly rows: number }>;
}

/** A new private file, or TARGET_EXISTS when the name is taken (by a file, or a link). */
/**
 * Creates `path` for writing, exclusively and private (0600): never through a planted link, never
 * over a file left behind. Every file of subject data the product writes is made this way.
 */
export async function createExclusively(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new JiaError(
        'TARGET_EXISTS',
        `${path} exists (left by an interrupted export, or put there): an export writes only files it creates; remove it and export again`,
      );
    throw error;
  }
}

export async function listStudies(pool: pg.Pool): Promise<string[]> {
  const result = await pool.query<{ study_id: string }>('SELECT study_id FROM study ORDER BY 1');
  return result.rows.map((r) => r.study_id);
}

export async function exportBundle(
  pool: pg.Pool,
  studyId: string,
  outDir: string,
  progress?: ExportProgress,
): Promise<ExportResult> {
  return withSnapshot(pool, async (client) => {
    const found = await client.query('SELECT 1 FROM study WHERE study_id = $1', [studyId]);
    if (found.rowCount === 0) throw notFound(`there is no study ${studyId}`);
    await exportStudyFile(client, studyId, outDir);
    const files: Array<{ file: BundleFileName; rows: number }> = [];
    for (const file of BUNDLE_FILES) {
      const total = Number(
        (
          await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM ${file.table} WHERE study_id = $1`,
            [studyId],
          )
        ).rows[0]?.n ?? 0,
      );
      // A text cell a spreadsheet would read as a formula is written neutralised (`'=x`; the
      // dictionary's csv-formula.ts), numbers, dates and booleans as they are.
      const select = file.columns
        .map((c) => {
          const text = bundleTextExpression(file, c);
          return `${isNeutralisedField(c.field) ? neutralisedSql(text) : text} AS ${quote(c.name)}`;
        })
        .join(', ');
      const order = file.key.map((name) => quote(dbColumn(file, name))).join(', ');
      const target = join(outDir, file.file);
      const partial = `${target}.partial`;
      // Before the COPY starts: a COPY left unread would hold the connection.
      const handle = await createExclusively(partial);
      const copy = client.query(
        copyTo(
          `COPY (SELECT ${select} FROM ${file.table} WHERE study_id = ${escapeLiteral(studyId)} ORDER BY ${order})
             TO STDOUT WITH (FORMAT csv, HEADER true)`,
        ),
      );
      // Rows are counted by line ends (a quoted line break in a value makes it a little early).
      let lines = -1;
      let drawn = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
          if (progress && lines - drawn >= 10_000) {
            drawn = lines;
            progress(file.file, Math.min(lines, total), total);
          }
          done(null, chunk);
        },
      });
      try {
        await pipeline(copy, count, createWriteStream('', { fd: handle }));
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      await rename(partial, target);
      progress?.(file.file, total, total);
      files.push({ file: file.file, rows: total });
    }
    return { studyId, files };
  });
}
