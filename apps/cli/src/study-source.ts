/**
 * Where a command that evaluates a study reads it: a bundle folder, or a study stored in the
 * database (--study), read straight from it (the store's loadStudyTimelines). Both give the same
 * timelines for the same study.
 */
import { JiaError } from '@jia-trial/errors';
import { bundleTimelines, readValidBundle } from '@jia-trial/interop';
import type { SubjectTimeline } from '@jia-trial/protocol';
import { listStudies, loadStudyTimelines, studyIsSynthetic } from '@jia-trial/store';
import { withStore } from './store/store-commands.js';

export interface StudySource {
  readonly dir?: string | undefined;
  readonly study?: string | undefined;
}

export interface StudySourceIo {
  readonly env: NodeJS.ProcessEnv;
  note(line: string): void;
}

export interface StudyTimelines {
  readonly timelines: SubjectTimeline[];
  /** The source as a message names it: the folder, or `study ID`. */
  readonly name: string;
  /**
   * The data are synthetic: the bundle's study file says so, or the stored study does (its
   * bundle's study file said so when it was imported).
   */
  readonly synthetic: boolean;
}

/** The subjects of the source; `consequence` ends the message of a bundle with problems. */
export async function readStudySource(
  source: StudySource,
  io: StudySourceIo,
  options: { readonly maxErrors: number; readonly consequence: string },
): Promise<StudyTimelines> {
  const { dir, study } = source;
  if ((dir === undefined) === (study === undefined))
    throw new JiaError('USAGE_ERROR', 'give either a bundle folder or --study ID');
  if (dir !== undefined) {
    const reading = readValidBundle(dir, options.maxErrors, options.consequence);
    return {
      timelines: bundleTimelines(reading),
      name: dir,
      synthetic: reading.study?.synthetic === true,
    };
  }
  const id = study as string;
  const { timelines, synthetic } = await withStore(io, async (store) => {
    const studies = await listStudies(store.pool);
    if (!studies.includes(id))
      throw new JiaError(
        'USAGE_ERROR',
        `no study ${id} in the database${studies.length > 0 ? ` (it holds: ${studies.join(', ')})` : ''}`,
      );
    return {
      timelines: await loadStudyTimelines(store, id),
      synthetic: await studyIsSynthetic(store, id),
    };
  });
  return { timelines, name: `study ${id}`, synthetic };
}
