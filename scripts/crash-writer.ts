/**
 * One writer process of the crash test (scripts/crash-test.ts). It opens the store on the shared
 * data directory, prints `ready`, then saves new visits (and, with --edit, edits of visits it
 * created) in a loop until it is killed. Only after saveVisit has resolved, i.e. after the
 * transaction committed, is the write appended to its acknowledgement log and the log fsynced:
 * the log never claims more than the database acknowledged.
 *
 * Log lines: `insert <visitId> <version>` and `update <visitId> <version>`.
 * Usage: node --conditions=source --import tsx scripts/crash-writer.ts --data-dir DIR
 *          --log FILE --prefix ID --subjects S1,S2,... [--edit] [--loops N]
 */
import { closeSync, fsyncSync, openSync, readFileSync, realpathSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openStore, saveVisit, type VisitRecord } from '@jia-trial/store';

export const CRASH_STUDY = 'CRASH';
export const CRASH_SITE = 'SITE1';
/** A writer that outlives this (its parent is gone, say) ends by itself. */
const MAX_LIFETIME_MS = 5 * 60_000;

export interface Acknowledgement {
  readonly operation: 'insert' | 'update';
  readonly visitId: string;
  readonly version: number;
}

/**
 * The acknowledged writes of a log. A last line without its newline (a write cut short) is
 * ignored: counting fewer acknowledgements can only make the check weaker, never wrong.
 */
export function parseAcknowledgements(text: string): Acknowledgement[] {
  const lines = text.split('\n');
  lines.pop(); // the empty string after the last newline, or an unfinished line
  return lines.map((line) => {
    const [operation, visitId, version] = line.split(' ');
    if ((operation !== 'insert' && operation !== 'update') || !visitId || !version)
      throw new Error(`unreadable acknowledgement line: ${JSON.stringify(line)}`);
    return { operation, visitId, version: Number(version) };
  });
}

export function readAcknowledgements(path: string): Acknowledgement[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseAcknowledgements(text);
}

/** A plausible visit whose values vary with `n`. */
export function crashVisit(visitId: string, subjectId: string, n: number): VisitRecord {
  return {
    visitId,
    subjectId,
    visitDate: `2025-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`,
    ilarCategory: 'polyarticular_rf_negative',
    physicianGlobal: (n % 21) / 2,
    parentGlobal: ((n * 7) % 21) / 2,
    chaqDi: (n % 13) / 4,
    activeJoints: n % 30,
    limitedJoints: n % 11,
    esr: 5 + (n % 60),
  };
}

interface WriterOptions {
  readonly dataDir: string;
  readonly log: string;
  readonly prefix: string;
  readonly subjects: readonly string[];
  readonly edit: boolean;
  readonly loops: number;
}

async function writer(options: WriterOptions): Promise<void> {
  const store = await openStore({ dataDir: options.dataDir, poolSize: options.loops + 1 });
  const log = openSync(options.log, 'a');
  const acknowledge = (operation: 'insert' | 'update', visitId: string, version: number) => {
    writeSync(log, `${operation} ${visitId} ${version}\n`);
    fsyncSync(log);
  };
  const actor = {
    id: `system:crash-writer:${options.prefix}`,
    name: `crash-writer:${options.prefix}`,
  };
  process.stdout.write('ready\n');

  const loop = async (loopIndex: number) => {
    const mine: Array<{ visit: VisitRecord; version: number }> = [];
    for (let seq = 1; ; seq++) {
      const n = seq * 31 + loopIndex;
      const target = mine[Math.floor(Math.random() * mine.length)];
      if (options.edit && target && Math.random() < 0.35) {
        const edited = crashVisit(target.visit.visitId, target.visit.subjectId, n);
        const saved = await saveVisit(store.pool, CRASH_STUDY, edited, target.version, {
          actor,
          reason: `crash test: correction ${seq}`,
        });
        target.visit = edited;
        target.version = saved.version;
        acknowledge('update', edited.visitId, saved.version);
      } else {
        const subjectId = options.subjects[n % options.subjects.length] ?? 'S1';
        const visit = crashVisit(`${options.prefix}-L${loopIndex}-${seq}`, subjectId, n);
        const saved = await saveVisit(store.pool, CRASH_STUDY, visit, null, { actor });
        mine.push({ visit, version: saved.version });
        acknowledge('insert', visit.visitId, saved.version);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.loops }, (_, i) => loop(i)));
  } finally {
    closeSync(log);
    await store.close();
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      log: { type: 'string' },
      prefix: { type: 'string' },
      subjects: { type: 'string' },
      edit: { type: 'boolean', default: false },
      loops: { type: 'string', default: '2' },
    },
  });
  const dataDir = values['data-dir'];
  const log = values.log;
  const prefix = values.prefix;
  const subjects = values.subjects?.split(',').filter(Boolean) ?? [];
  const loops = Number(values.loops);
  if (!dataDir || !log || !prefix || subjects.length === 0 || !(loops >= 1)) {
    process.stderr.write(
      'usage: crash-writer.ts --data-dir DIR --log FILE --prefix ID --subjects S1,S2 [--edit] [--loops N]\n',
    );
    process.exit(2);
  }
  // Never outlive the crash test: end when the parent is gone or after a generous lifetime.
  const parent = process.ppid;
  const started = Date.now();
  setInterval(() => {
    if (process.ppid !== parent || Date.now() - started > MAX_LIFETIME_MS) process.exit(3);
  }, 500).unref();
  writer({ dataDir, log, prefix, subjects, edit: values.edit, loops }).catch((error: unknown) => {
    process.stderr.write(`crash-writer ${prefix}: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}

const entry = process.argv[1];
if (entry && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))) main();
