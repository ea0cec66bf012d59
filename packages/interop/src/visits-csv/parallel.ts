/**
 * Two-thread scoring of a large visits file (`jia-trial score`) (docs/performance.md): a worker
 * thread reads the file's later half while the main thread reads the first, and later scores
 * and writes the later half of the rows while the main thread does the first half. The rows'
 * arrays are shared memory, so nothing is copied but the worker's output bytes.
 */
import { Worker } from 'node:worker_threads';
import type { Issue } from '@jia-trial/errors';
import type { VisitScoreOptions } from '@jia-trial/outcomes';
import type { ReadOptions, ReadResult } from './read-visits.js';
import type { WorkerMessage, WorkerTask } from './score-worker.js';
import { type PostedTable, type SharedTable, VisitTable } from './visit-table.js';
import type { OutputSink } from './write-scores.js';

/**
 * The worker's module: compiled JavaScript, or, when this file itself runs from TypeScript
 * sources (tests), the .ts module loaded through tsx, which Node 20 does not carry into workers.
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./score-worker.js', import.meta.url));
  const source = new URL('./score-worker.ts', import.meta.url).href;
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true });
}

export class ScoreWorker {
  private readonly worker = startWorker();
  private listener: ((message: WorkerMessage) => void) | null = null;
  private failure: Error | null = null;

  constructor() {
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'error') this.fail(new Error(message.message));
      else this.listener?.(message);
    });
    this.worker.on('error', (error) => this.fail(error));
  }

  /** Reads and validates a part of the file in the worker. */
  read(options: ReadOptions): Promise<ReadResult> {
    return this.request({ kind: 'read', options }, (message, resolve) => {
      if (message.kind !== 'read') return;
      resolve({
        table: VisitTable.fromPosted(message.table as PostedTable),
        nextLine: 0,
        header: [],
        headerBytes: new Uint8Array(0),
        complete: message.complete,
        stopped: message.stopped,
        problems: message.problems as Issue[],
        moreProblems: message.moreProblems,
      });
    });
  }

  /**
   * Scores and writes rows [from, to) in the worker. The returned stream yields the output
   * chunks in order; the worker runs ahead while the caller writes its own rows.
   */
  writeRows(
    path: string,
    table: SharedTable,
    from: number,
    to: number,
    options: VisitScoreOptions,
  ): ChunkQueue {
    const queue = new ChunkQueue();
    this.listener = (message) => {
      if (message.kind === 'chunk') queue.push(message.bytes);
      else if (message.kind === 'done') queue.close();
    };
    this.onFailure = (error) => queue.fail(error);
    this.worker.postMessage({ kind: 'write', path, table, from, to, options } satisfies WorkerTask);
    return queue;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private onFailure: ((error: Error) => void) | null = null;

  private fail(error: Error): void {
    this.failure = error;
    this.onFailure?.(error);
  }

  private request<T>(
    task: WorkerTask,
    handle: (message: WorkerMessage, resolve: (value: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.onFailure = reject;
      this.listener = (message) => handle(message, resolve);
      this.worker.postMessage(task);
    });
  }
}

/** Output chunks arriving from the worker, drained in order into a sink. */
export class ChunkQueue {
  private readonly chunks: Uint8Array[] = [];
  private closed = false;
  private error: Error | null = null;
  private wake: (() => void) | null = null;

  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  fail(error: Error): void {
    this.error = error;
    this.wake?.();
  }

  /** Writes every chunk to `sink` until the worker is done. */
  async drainInto(sink: OutputSink): Promise<void> {
    for (;;) {
      if (this.error) throw this.error;
      const next = this.chunks.shift();
      if (next) await sink(next);
      else if (this.closed) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
