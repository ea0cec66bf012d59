/**
 * Writes docs/errors.md from the error-code registry (packages/errors/src/codes.ts) and the
 * store's map of the database's own codes, so that the document lists exactly the codes jia-trial
 * can raise. errors.test.ts fails when the document is out of date, and when a code is raised in
 * the source that the document does not list.
 * Usage: node --conditions=source --import tsx scripts/render-error-codes.ts
 */
import { writeFileSync } from 'node:fs';
import { ERROR_CODES, type ErrorCode, EXIT_CODES } from '@jia-trial/errors';
import { DATABASE_ERROR_CODES } from '@jia-trial/store';

export const ERRORS_DOC = new URL('../docs/errors.md', import.meta.url);

const INTRO = `# Errors

Every failure jia-trial reports is one error with a stable **code**, a **message** for people,
and the **issues** behind it, each with a **path** (where) and a **message** (why). Programs
branch on the code, never on the message text, which may improve from one version to the next.

\`\`\`json
{ "error": { "code": "VALIDATION_FAILED", "message": "2 problem(s) in visits.csv; nothing was written",
    "issues": [ { "path": "visits.csv:12:esr", "message": "250 is outside 0-200 mm/h",
                  "file": "visits.csv", "line": 12, "column": "esr", "record": "P01-V3" } ],
    "moreIssues": 0 } }
\`\`\`

- **path** is a field path in a record or request (\`subject.birth_date\`, \`visitDate\`) or a
  place in a file (\`visits.csv:12:esr\`: file, line, column). Issues in a file also carry
  \`file\`, \`line\` (0: the file as a whole), \`column\` and, where the row has one, \`record\`
  (the visit id). \`moreIssues\` counts the issues found beyond those listed (\`--max-errors\`).
  \`details\` holds facts for programs where a code has them (VERSION_CONFLICT: the table, the
  key, the version the change was based on and the current one).
- **The command line** prints each issue on a line (\`file:line: visit V, column c: why\`; in a
  bundle \`folder/file:line: column c: visit V: why\`), then \`jia-trial: <message>\`, and exits
  with the code's class: **${EXIT_CODES.failure}** failure, **${EXIT_CODES.usage}** usage error, **${EXIT_CODES.internal}** internal fault
  (EX_SOFTWARE of sysexits.h). With \`--json\`, the body above is printed on standard output
  instead. A stack trace is printed only for an internal fault and only with \`--debug\`.
- **The HTTP API** (next) answers with the code's status and the same body.
- Library functions called outside their documented contract (a negative CHAQ score passed to
  a scoring function, a malformed date to a date function) throw a RangeError: a fault of the
  caller, reported as INTERNAL_ERROR. Every door validates its input first.
`;

function databaseSection(): string {
  const rows = Object.entries(DATABASE_ERROR_CODES).map(
    ([sqlstate, code]) => `| \`${sqlstate}\` | ${code} |`,
  );
  return `## The database's own codes

The store's triggers and functions (packages/store/migrations) raise SQLSTATEs of their own, and
PostgreSQL raises its classes; the store maps those a caller can act on:

| SQLSTATE | code |
|---|---|
${rows.join('\n')}

Any other database error is an internal fault.
`;
}

function codeSection(code: ErrorCode): string {
  const info = ERROR_CODES[code];
  return `### ${code}

HTTP ${info.status}; exit ${EXIT_CODES[info.exit]} (${info.exit}).

${info.meaning}

What to do: ${info.action}
`;
}

export function renderErrorsDoc(): string {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];
  return `${INTRO}
## Codes

${codes.map(codeSection).join('\n')}
${databaseSection()}`;
}

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(ERRORS_DOC, renderErrorsDoc());
