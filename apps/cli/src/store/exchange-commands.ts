/**
 * The exchange formats of `jia-trial export --format odm|fhir` and `jia-trial import --format
 * odm` (docs/interop.md). A file is written to `<out>.partial` and renamed when complete; an ODM
 * file to import is read, mapped (anything unmapped refused by OID), written as a bundle in a
 * temporary folder and imported through the bundle's own path (import-commands.ts).
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { JiaError } from '@jia-trial/errors';
import { exportOdm, readOdmSnapshot, readValidBundle, writeBundleFolder } from '@jia-trial/interop';
import { findProtocol } from '@jia-trial/protocols';
import {
  createExclusively,
  listStudies,
  readStudyForExchange,
  type Store,
  setStudyProtocol,
} from '@jia-trial/store';
import { cliVersion } from '../version.js';
import { checkedStudyId, type ImportOptions, importStaged } from './import-commands.js';
import { type StoreIo, withStore } from './store-commands.js';

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
 * A sink of text or bytes on a new file (created exclusively and private, as every export file: a planted
 * link or a file left behind is refused) that waits when the stream's buffer is full.
 */
/**
 * Text queued for the file before a writer waits (bytes). With the stream's default (16 KiB) a
 * writer of 32 Ki-character chunks (ODM) waited for every chunk's write to finish before making
 * the next; with some chunks queued it makes the next while the file is written
 * (docs/performance.md).
 */
const QUEUED_BYTES = 1 << 18;

export async function streamWriter(path: string) {
  const stream = (await createExclusively(path)).createWriteStream({
    highWaterMark: QUEUED_BYTES,
  });
  return {
    /** Bytes: resolves once they are written out, so that their memory may be filled again. */
    write: async (chunk: string | Uint8Array) => {
      if (typeof chunk !== 'string')
        await new Promise<void>((resolve, reject) =>
          stream.write(chunk, (error) => (error ? reject(error) : resolve())),
        );
      else if (!stream.write(chunk)) await once(stream, 'drain');
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
  work: (write: (chunk: string | Uint8Array) => Promise<void>) => Promise<T>,
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

/**
 * `import --format odm`: the file read and mapped (anything unmapped refused by OID), written as
 * a bundle in a private temporary folder, validated as a bundle is, and imported through the
 * bundle's own path (importStaged: the plan, --dry-run, --add-subjects, one recorded batch).
 */
export async function runImportOdm(
  io: StoreIo,
  file: string,
  options: ImportOptions & { readonly study: string },
): Promise<void> {
  const studyId = checkedStudyId(options.study, '');
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
    await importStaged(
      io,
      {
        studyId,
        files: bundle.files,
        study: null,
        source: 'odm',
        origin: basename(file),
        // A new study takes the protocol the file was exported under (its ProtocolName).
        after: async (tx, imported) => {
          if (imported.createdStudy && protocolId) await setStudyProtocol(tx, studyId, protocolId);
        },
      },
      options,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
