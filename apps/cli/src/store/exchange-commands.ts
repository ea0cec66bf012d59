/**
 * The exchange formats of `jia-trial export --format odm|fhir` and `jia-trial import --format
 * odm` (docs/interop.md). A file is written to `<out>.partial` and renamed when complete; an ODM
 * file to import is read, mapped (anything unmapped refused by OID), written as a bundle in a
 * temporary folder and imported as a bundle is (the same validation, the same audit trail).
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STUDY_ID_PATTERN } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import { exportOdm, readOdmSnapshot, readValidBundle, writeBundleFolder } from '@jia-trial/interop';
import { findProtocol } from '@jia-trial/protocols';
import {
  createExclusively,
  importBundle,
  listStudies,
  readStudyForExchange,
  type Store,
  setStudyProtocol,
  withTransaction,
} from '@jia-trial/store';
import { cliVersion } from '../version.js';
import { cliActor, type StoreIo, withStore } from './store-commands.js';

/** The study named, or the database's only study. */
export async function chosenStudy(store: Store, study: string | undefined): Promise<string> {
  if (study !== undefined) return study;
  const studies = await listStudies(store.pool);
  if (studies.length !== 1)
    throw new JiaError(
      'USAGE_ERROR',
      studies.length === 0
        ? 'the database holds no study'
        : `the database holds ${studies.length} studies; choose one with --study: ${studies.join(', ')}`,
    );
  return studies[0] as string;
}

/**
 * A text sink on a new file (created exclusively and private, as every export file: a planted
 * link or a file left behind is refused) that waits when the stream's buffer is full.
 */
export async function streamWriter(path: string) {
  const stream = (await createExclusively(path)).createWriteStream();
  return {
    write: async (text: string) => {
      if (!stream.write(text)) await once(stream, 'drain');
    },
    close: async () => {
      stream.end();
      await once(stream, 'finish');
    },
    destroy: () => stream.destroy(),
  };
}

/** Writes `path` through `work`: to `<path>.partial`, renamed when complete, removed on failure. */
export async function writeAtomically<T>(
  path: string,
  work: (write: (text: string) => Promise<void>) => Promise<T>,
): Promise<T> {
  const partial = `${path}.partial`;
  const file = await streamWriter(partial);
  try {
    const result = await work(file.write);
    await file.close();
    await rename(partial, path);
    return result;
  } catch (error) {
    file.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}

export interface OdmExportOptions {
  readonly out: string;
  readonly study?: string | undefined;
  readonly transactional: boolean;
  readonly json: boolean;
}

export async function runExportOdm(io: StoreIo, options: OdmExportOptions): Promise<void> {
  await withStore(io, async (store) => {
    const studyId = await chosenStudy(store, options.study);
    const now = new Date().toISOString();
    const result = await readStudyForExchange(store, studyId, (info, subjects, changes) => {
      const protocol = findProtocol(info.protocolId);
      return writeAtomically(options.out, (write) =>
        exportOdm(
          write,
          { study: info, protocol, subjects, changes },
          {
            fileOid: `jia-trial.${studyId}.${now}`,
            creationDateTime: now,
            sourceSystemVersion: cliVersion(),
            transactional: options.transactional,
          },
        ),
      );
    });
    const summary = {
      studyId,
      format: 'odm',
      fileType: options.transactional ? 'Transactional' : 'Snapshot',
      out: options.out,
      ...result,
    };
    if (options.json) io.out(`${JSON.stringify(summary)}\n`);
    else
      io.out(
        `exported study ${studyId} as ODM 1.3.2 (${summary.fileType}) to ${options.out}: ${result.subjects} subjects${result.changes === null ? '' : `, ${result.changes} changes, ${result.signatures} signatures`}\n`,
      );
  });
}

export interface OdmImportOptions {
  readonly study: string;
  readonly reason?: string | undefined;
  readonly actor?: string | undefined;
  readonly replace?: boolean;
  readonly maxErrors: number;
  readonly json: boolean;
}

export async function runImportOdm(
  io: StoreIo,
  file: string,
  options: OdmImportOptions,
): Promise<void> {
  if (!STUDY_ID_PATTERN.test(options.study))
    throw new JiaError(
      'USAGE_ERROR',
      `study id ${JSON.stringify(options.study)} is not valid (letters, digits, . _ -; at most 64)`,
    );
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new JiaError('USAGE_ERROR', `cannot read ${file}`);
  }
  const reading = readOdmSnapshot(text);
  const dir = mkdtempSync(join(tmpdir(), 'jia-odm-import-'));
  try {
    writeBundleFolder(dir, reading.records);
    const bundle = readValidBundle(
      dir,
      options.maxErrors,
      'nothing was imported (the ODM file, as a bundle)',
    );
    const protocolId = findProtocol(reading.protocolName)?.id ?? null;
    const result = await withStore(io, (store) =>
      withTransaction(store, cliActor(options.actor), options.reason, async (tx) => {
        const imported = await importBundle(tx, options.study, bundle.files, {
          replace: options.replace === true,
        });
        // A new study takes the protocol the file was exported under (its ProtocolName).
        if (imported.createdStudy && protocolId)
          await setStudyProtocol(tx, options.study, protocolId);
        return imported;
      }),
    );
    if (options.json) io.out(`${JSON.stringify({ ...result, protocolId })}\n`);
    else
      io.out(
        `${result.createdStudy ? 'created' : 'updated'} study ${options.study} from ODM file ${file}\n${result.files
          .map(
            (f) =>
              `  ${f.file.padEnd(20)} ${String(f.inserted).padStart(8)} new ${String(f.updated).padStart(8)} changed ${String(f.unchanged).padStart(8)} unchanged`,
          )
          .join('\n')}\n`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
