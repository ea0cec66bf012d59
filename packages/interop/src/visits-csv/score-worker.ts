/**
 * The second thread of scoring a large visits file (`jia-trial score`): reads and validates the file's later
 * part, then scores and writes the later half of the rows, posting the output bytes back in
 * order. It runs the same code as the main thread (read-visits.ts, write-scores.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { VisitScoreOptions } from '@jia-trial/outcomes';
import { type ReadOptions, readVisits } from './read-visits.js';
import { type PostedTable, type SharedTable, VisitTable } from './visit-table.js';
import { writeCsvRows } from './write-scores.js';

export type WorkerTask =
  | { readonly kind: 'read'; readonly options: ReadOptions }
  | {
      readonly kind: 'write';
      readonly path: string;
      readonly table: SharedTable;
      readonly from: number;
      readonly to: number;
      readonly options: VisitScoreOptions;
    };

export type WorkerMessage =
  | {
      readonly kind: 'read';
      readonly table: PostedTable;
      readonly problems: ReturnType<typeof readVisits>['problems'];
      readonly moreProblems: number;
      readonly complete: boolean;
      readonly stopped: boolean;
    }
  | { readonly kind: 'chunk'; readonly bytes: Uint8Array }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly message: string; readonly stack?: string | undefined };

const port = parentPort;
if (!port) throw new Error('score-worker.ts runs only as a worker thread');

port.on('message', (task: WorkerTask) => {
  run(task).catch((error: Error) =>
    port.postMessage({ kind: 'error', message: error.message, stack: error.stack }),
  );
});

async function run(task: WorkerTask): Promise<void> {
  if (task.kind === 'read') {
    const result = readVisits(task.options);
    const message: WorkerMessage = {
      kind: 'read',
      table: result.table.post(),
      problems: result.problems,
      moreProblems: result.moreProblems,
      complete: result.complete,
      stopped: result.stopped,
    };
    port?.postMessage(message);
    return;
  }
  const table = VisitTable.fromShared(task.table);
  await writeCsvRows(task.path, table, task.from, task.to, task.options, (bytes) => {
    // Each chunk is a fresh buffer from the writer: hand it over without copying.
    port?.postMessage({ kind: 'chunk', bytes } satisfies WorkerMessage, [
      bytes.buffer as ArrayBuffer,
    ]);
  });
  port?.postMessage({ kind: 'done' } satisfies WorkerMessage);
}
