/**
 * `jia-trial export --format fhir` (docs/interop.md): the study as a FHIR R4 Bundle of type
 * collection (--out FILE.json) and/or one NDJSON file per resource type (--ndjson DIR), with
 * --date-shift and --drop-dates-before for de-identified sharing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { JiaError } from '@jia-trial/errors';
import { writeFhirBundle } from '@jia-trial/interop';
import { findProtocol } from '@jia-trial/protocols';
import { EXCHANGE_BATCH_SUBJECTS, readStudyForExchange } from '@jia-trial/store';
import { chosenStudy, streamWriter, writeAtomically } from './exchange-commands.js';
import { type StoreIo, withStore } from './store-commands.js';

/**
 * What the FHIR Bundle reads: the records without their trail (no resource carries who changed a
 * record or its signatures), the next batch read while one is written; batches of at most 250
 * subjects, so that the two in memory hold no more than one of 500 did (docs/performance.md).
 */
const FHIR_READ = { trail: false, readAhead: true } as const;
const FHIR_BATCH_SUBJECTS = Math.min(EXCHANGE_BATCH_SUBJECTS, 250);

export interface FhirExportOptions {
  readonly out?: string | undefined;
  readonly ndjson?: string | undefined;
  readonly study?: string | undefined;
  readonly dateShift?: string | undefined;
  readonly dropDatesBefore?: string | undefined;
  readonly json: boolean;
}

function dateRules(options: FhirExportOptions) {
  const shift = options.dateShift === undefined ? 0 : Number(options.dateShift);
  if (!Number.isInteger(shift) || Math.abs(shift) > 36_500)
    throw new JiaError(
      'USAGE_ERROR',
      `--date-shift ${options.dateShift}: a whole number of days (at most 36500 either way)`,
    );
  const before = options.dropDatesBefore ?? null;
  if (
    before !== null &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(before) || Number.isNaN(Date.parse(`${before}T00:00:00Z`)))
  )
    throw new JiaError('USAGE_ERROR', `--drop-dates-before ${before}: a day as YYYY-MM-DD`);
  return { shiftDays: shift, dropBefore: before };
}

export async function runExportFhir(io: StoreIo, options: FhirExportOptions): Promise<void> {
  const rules = dateRules(options);
  await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    const timestamp = new Date().toISOString();
    const files = new Map<string, Awaited<ReturnType<typeof streamWriter>>>();
    // Private: the folder it makes 0700, each file 0600 (streamWriter's createExclusively).
    if (options.ndjson) mkdirSync(options.ndjson, { recursive: true, mode: 0o700 });
    const ndjson = options.ndjson
      ? async (type: string, line: string) => {
          let file = files.get(type);
          if (!file) {
            file = await streamWriter(join(options.ndjson as string, `${type}.ndjson`));
            files.set(type, file);
          }
          await file.write(`${line}\n`);
        }
      : undefined;
    const result = await readStudyForExchange(
      store,
      studyId,
      async (info, subjects) => {
        const protocol = findProtocol(info.protocolId);
        const study = { ...info, protocol };
        const run = (write: (chunk: Uint8Array) => Promise<void>) =>
          writeFhirBundle(write, study, subjects(FHIR_READ), {
            timestamp,
            rules,
            // The file's writer resolves once a chunk is written out (exchange-commands.ts).
            recycle: options.out !== undefined,
            ...(ndjson ? { ndjson } : {}),
          });
        try {
          return options.out ? await writeAtomically(options.out, run) : await run(async () => {});
        } finally {
          for (const file of files.values()) await file.close();
        }
      },
      FHIR_BATCH_SUBJECTS,
    );
    const summary = {
      studyId,
      format: 'fhir',
      out: options.out ?? null,
      ndjson: options.ndjson ?? null,
      ...result,
      dateShift: rules.shiftDays,
      dropDatesBefore: rules.dropBefore,
    };
    if (options.json) io.out(`${JSON.stringify(summary)}\n`);
    else
      io.out(
        `exported study ${studyId} as FHIR R4 (${result.resources} resources, ${result.subjects} subjects)${options.out ? ` to ${options.out}` : ''}${options.ndjson ? `; NDJSON in ${options.ndjson}` : ''}\n`,
      );
  });
}
