// A reporter for Node's test runner (`--test-reporter`): a short summary of the run instead of
// the raw TAP (which run-tests.mjs writes to a log file beside it). It prints, as they come, the
// failures with their messages and where they were thrown, a progress line on a terminal (a line
// a minute otherwise, so that CI shows the run is alive), and at the end: files, tests passed,
// failed, skipped, the slowest files and the failed ones again.
// Events: https://nodejs.org/docs/latest-v20.x/api/test.html#event-testfail (Node 20.19+).
import { relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const SLOWEST = 8;
const STDERR_TAIL = 25;
const STACK_LINES = 6;
const HEARTBEAT_MS = 60_000;

const shortPath = (file) => (file ? relative(ROOT, file) : '(no file)');
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** A failure's own error: Node wraps it in ERR_TEST_FAILURE with the thrown value as `cause`. */
function thrown(error) {
  return error?.code === 'ERR_TEST_FAILURE' && error.cause !== undefined ? error.cause : error;
}

/** The message and the top of the stack of a failure, indented, without Node's own frames. */
export function failureText(error) {
  const cause = thrown(error);
  if (cause === undefined || cause === null) return '    (no error given)';
  if (typeof cause !== 'object') return `    ${String(cause)}`;
  const message = String(cause.message ?? cause).trimEnd();
  const stack = String(cause.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line) && !/\(node:|at node:/.test(line))
    .slice(0, STACK_LINES)
    .map((line) => line.trim());
  const lines = [...message.split('\n'), ...stack.map((line) => `  ${line}`)];
  return lines.map((line) => `    ${line}`).join('\n');
}

/** The state of a run, fed event by event; `summary()` is the text printed at the end. */
export class RunSummary {
  files = new Map(); // file -> { ms, ok }
  failures = []; // { file, name, text }
  stderr = new Map(); // file -> last lines
  totals = new Map(); // Node's closing diagnostics: tests, pass, fail, skipped, todo, cancelled
  expectedFiles = 0;
  started = Date.now();

  /** The text to print now for this event ('' for none). */
  add(event) {
    const { type, data } = event;
    if (type === 'test:stderr' && data.file) return this.keepStderr(data);
    if (type === 'test:diagnostic' && data.nesting === 0) return this.keepTotal(data);
    // A file is reported as a test of its own, named by its path (node --test runs each file in
    // a process of its own).
    if (type === 'test:complete' && data.file && data.name === data.file)
      return this.fileDone(data);
    if (type === 'test:fail' && data.name !== data.file) return this.testFailed(data);
    return '';
  }

  keepStderr(data) {
    const lines = this.stderr.get(data.file) ?? [];
    lines.push(...String(data.message).replace(/\n$/, '').split('\n'));
    this.stderr.set(data.file, lines.slice(-STDERR_TAIL));
    return '';
  }

  keepTotal(data) {
    const m = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/.exec(
      data.message,
    );
    if (m) this.totals.set(m[1], Number(m[2]));
    return '';
  }

  fileDone(data) {
    this.files.set(data.file, { ms: data.details.duration_ms, ok: data.details.passed });
    if (data.details.passed) return '';
    // Its failing tests are listed already; a file that failed without one (it crashed loading,
    // or a hook failed) is listed here, with its standard error, which says why.
    const failureType = data.details.error?.failureType;
    if (this.failures.some((f) => f.file === data.file) && failureType === 'subtestsFailed')
      return '';
    const tail = (this.stderr.get(data.file) ?? []).map((line) => `    | ${line}`);
    // Node's own "test failed" says nothing when the file's standard error says why.
    const silent = tail.length > 0 && thrown(data.details.error)?.message === 'test failed';
    const text = [
      ...(silent ? [] : [failureText(data.details.error)]),
      ...(tail.length > 0 ? ['    standard error (last lines):', ...tail] : []),
    ].join('\n');
    this.failures.push({ file: data.file, name: '(the file itself)', text });
    return `✖ ${shortPath(data.file)}\n${text}\n`;
  }

  testFailed(data) {
    // A suite whose tests failed: the tests are listed themselves.
    if (data.details.error?.failureType === 'subtestsFailed') return '';
    const text = failureText(data.details.error);
    this.failures.push({ file: data.file, name: data.name, text });
    return `✖ ${shortPath(data.file)} > ${data.name}\n${text}\n`;
  }

  progress() {
    const failed = [...this.files.values()].filter((f) => !f.ok).length;
    const of = this.expectedFiles > 0 ? `/${this.expectedFiles}` : '';
    return `${this.files.size}${of} files done, ${failed} failed, ${seconds(Date.now() - this.started)}`;
  }

  summary() {
    const t = (key) => this.totals.get(key) ?? 0;
    const files = [...this.files.entries()];
    const failedFiles = files.filter(([, f]) => !f.ok).map(([file]) => shortPath(file));
    const slowest = files
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, SLOWEST)
      .map(([file, f]) => `  ${seconds(f.ms).padStart(8)}  ${shortPath(file)}`);
    return [
      '',
      `files: ${files.length} (${files.length - failedFiles.length} passed, ${failedFiles.length} failed)`,
      `tests: ${t('tests')}: ${t('pass')} passed, ${t('fail')} failed, ${t('skipped') + t('todo')} skipped${t('cancelled') > 0 ? `, ${t('cancelled')} cancelled` : ''}`,
      `wall time: ${seconds(t('duration_ms'))}`,
      ...(slowest.length > 0 ? ['slowest files:', ...slowest] : []),
      ...(failedFiles.length > 0 ? ['failed files:', ...failedFiles.map((f) => `  ${f}`)] : []),
      '',
    ].join('\n');
  }
}

export default async function* summaryReporter(source) {
  const run = new RunSummary();
  run.expectedFiles = Number(process.env.JIA_TEST_FILE_COUNT ?? 0);
  const tty = process.stdout.isTTY === true;
  let lastBeat = Date.now();
  let progressShown = false;
  for await (const event of source) {
    const text = run.add(event);
    const clear = tty && progressShown ? '\r\x1b[K' : '';
    if (text) {
      yield `${clear}${text}`;
      progressShown = false;
    }
    if (event.type === 'test:complete' && event.data.name === event.data.file) {
      if (tty) {
        yield `${tty && progressShown ? '\r\x1b[K' : ''}${run.progress()}`;
        progressShown = true;
      } else if (Date.now() - lastBeat >= HEARTBEAT_MS) {
        lastBeat = Date.now();
        yield `${run.progress()}\n`;
      }
    }
  }
  yield `${tty && progressShown ? '\r\x1b[K' : ''}${run.summary()}`;
}
