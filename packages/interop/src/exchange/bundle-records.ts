/**
 * A bundle folder's records as cell texts, grouped by subject (for the exchange writers and the
 * tests), and records as a bundle folder (what an ODM import stages before the bundle import
 * validates and stores it). Cell texts are the bundle's own (docs/bundle-format.md): the reading
 * here does not validate; `readValidBundle` does, before anything is stored.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  BUNDLE_FILES,
  isNeutralisedField,
  neutraliseCell,
  RECORD_TYPES,
  type RecordTexts,
  type RecordTypeId,
  restoreCell,
} from '@jia-trial/dictionary';
import { CsvReader } from '../csv/csv-reader.js';
import { CsvWriter } from '../csv/csv-writer.js';
import { type ExchangeRecord, pushTo, type SubjectRecords } from './study-data.js';

/**
 * Every row of a bundle file as cell texts (empty cells absent); [] when the file is absent. A
 * text cell written neutralised (csv-formula.ts of the dictionary) is read as the text it was.
 */
export function readBundleTexts(path: string): RecordTexts[] {
  if (!existsSync(path)) return [];
  const spec = BUNDLE_FILES.find((f) => f.file === basename(path));
  const neutralised = new Set(
    spec?.columns.filter((c) => isNeutralisedField(c.field)).map((c) => c.name),
  );
  const rows: RecordTexts[] = [];
  let header: string[] = [];
  const reader = new CsvReader((record) => {
    const cells = Array.from({ length: record.fieldCount }, (_, i) => record.text(i));
    if (record.index === 0) header = cells;
    else
      rows.push(
        new Map(
          cells.flatMap((cell, i) => {
            const name = header[i] as string;
            if (cell === '') return [];
            return [[name, neutralised.has(name) ? restoreCell(cell) : cell]];
          }),
        ),
      );
  });
  reader.push(readFileSync(path));
  reader.end();
  return rows;
}

/** Which subject a record belongs to: its subject_id, or its visit's subject. */
export function subjectOfRecord(
  texts: RecordTexts,
  visitSubjects: ReadonlyMap<string, string>,
): string {
  const subject = texts.get('subject_id');
  if (subject !== undefined) return subject;
  return visitSubjects.get(texts.get('visit_id') ?? '') ?? '';
}

/** A bundle folder's subjects with their records, in subjects.csv order. */
export function readBundleSubjects(dir: string): SubjectRecords[] {
  const byType = new Map<RecordTypeId, RecordTexts[]>();
  for (const record of RECORD_TYPES) byType.set(record.id, readBundleTexts(join(dir, record.file)));
  const visitSubjects = new Map(
    (byType.get('visit') ?? []).map((v) => [v.get('visit_id') ?? '', v.get('subject_id') ?? '']),
  );
  const subjects = new Map<string, Map<RecordTypeId, ExchangeRecord[]>>();
  for (const row of byType.get('subject') ?? [])
    subjects.set(row.get('subject_id') ?? '', new Map());
  for (const record of RECORD_TYPES)
    for (const texts of byType.get(record.id) ?? []) {
      const subject = subjects.get(subjectOfRecord(texts, visitSubjects));
      if (!subject) continue; // refused by the bundle's validation: not in subjects.csv
      pushTo(subject, record.id, { texts });
    }
  return [...subjects].map(([subjectId, records]) => ({ subjectId, records, signatures: [] }));
}

/**
 * Writes records as a bundle folder: every file of the bundle format, with every column (the
 * version column left empty: the records are new to the study they are imported into), rows
 * in the order given, text that looks like a formula neutralised as the bundle export does.
 */
export function writeBundleFolder(
  dir: string,
  records: ReadonlyMap<RecordTypeId, readonly RecordTexts[]>,
): void {
  for (const file of BUNDLE_FILES) {
    const rows = records.get(file.table) ?? [];
    if (rows.length === 0 && file.optional) continue;
    const chunks: Uint8Array[] = [];
    const csv = new CsvWriter((bytes) => chunks.push(bytes));
    for (const column of file.columns) csv.field(column.name);
    csv.endRecord();
    for (const row of rows) {
      for (const column of file.columns) {
        const value = row.get(column.name);
        if (value === undefined) csv.empty();
        else csv.field(isNeutralisedField(column.field) ? neutraliseCell(value) : value);
      }
      csv.endRecord();
    }
    csv.flush();
    writeFileSync(join(dir, file.file), Buffer.concat(chunks), { mode: 0o600 });
  }
}
