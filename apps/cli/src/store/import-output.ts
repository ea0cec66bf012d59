/**
 * What `jia-trial import` (its dry run and its revert) and `jia-trial audit batches` print: text
 * for people, or with --json the result as it is (a dry run's refusals as error bodies,
 * docs/errors.md).
 */
import { errorBody } from '@jia-trial/errors';
import type { ImportBatch, ImportPlan, ImportResult, RevertResult } from '@jia-trial/store';
import type { StoreIo } from './store-commands.js';

const pad = (n: number, width = 8) => String(n).padStart(width);

function planLines(plan: ImportPlan): string[] {
  const lines = [
    `  ${'file'.padEnd(20)} ${'new'.padStart(8)} ${'changed'.padStart(8)} ${'unchanged'.padStart(9)} ${'kept'.padStart(8)}`,
    ...plan.files.map(
      (f) =>
        `  ${f.file.padEnd(20)} ${pad(f.added)} ${pad(f.changed)} ${pad(f.unchanged, 9)} ${pad(f.kept)}`,
    ),
  ];
  if (plan.syntheticChange)
    lines.push(
      `  study.csv: synthetic ${plan.syntheticChange.from === null ? 'set to' : `from ${plan.syntheticChange.from} to`} ${plan.syntheticChange.to}`,
    );
  if (plan.newSites.length > 0) lines.push(`  new sites: ${plan.newSites.join(', ')}`);
  const status = (s: string) => plan.subjects.filter((x) => x.status === s).length;
  lines.push(
    `  subjects: ${status('new')} new, ${status('changed')} changed, ${status('unchanged')} unchanged, ${status('kept')} stored but not in the bundle (kept)`,
    `  ${'subject'.padEnd(20)} ${'status'.padEnd(10)} ${'new'.padStart(8)} ${'changed'.padStart(8)} ${'unchanged'.padStart(9)} ${'kept'.padStart(8)}`,
    ...plan.subjects.map(
      (s) =>
        `  ${s.subjectId.padEnd(20)} ${s.status.padEnd(10)} ${pad(s.added)} ${pad(s.changed)} ${pad(s.unchanged, 9)} ${pad(s.kept)}`,
    ),
  );
  return lines;
}

function printDryRun(io: StoreIo, result: ImportResult, origin: string): void {
  const { plan } = result;
  const lines = [
    `dry run: nothing was changed. Importing ${origin} into ${plan.studyExists ? `study ${plan.studyId} (it holds ${plan.storedSubjects} subject(s))` : `a new study ${plan.studyId}`} would do this:`,
    ...planLines(plan),
  ];
  if (result.refusals.length === 0) lines.push('The import as given would go through.');
  else {
    lines.push('The import as given would be refused:');
    for (const refusal of result.refusals) {
      lines.push(`  ${refusal.code}: ${refusal.message.replaceAll('\n', '\n    ')}`);
      for (const issue of refusal.issues.slice(0, 20))
        lines.push(`    ${issue.path}: ${issue.message}`);
      const more = refusal.issues.length - 20 + refusal.moreIssues;
      if (more > 0) lines.push(`    ... and ${more} more`);
    }
  }
  io.out(`${lines.join('\n')}\n`);
}

export function printImport(
  io: StoreIo,
  result: ImportResult,
  staged: { readonly origin: string; readonly source: 'bundle' | 'odm' },
  json: boolean,
): void {
  if (json) {
    const { refusals, ...rest } = result;
    io.out(
      `${JSON.stringify(result.dryRun ? { ...rest, refusals: refusals.map((r) => errorBody(r).error) } : rest)}\n`,
    );
    return;
  }
  if (result.dryRun) {
    printDryRun(io, result, staged.origin);
    return;
  }
  const lines = result.files.map(
    (f) =>
      `  ${f.file.padEnd(20)} ${pad(f.inserted)} new ${pad(f.updated)} changed ${pad(f.unchanged)} unchanged${f.kept > 0 ? ` ${f.kept} stored but not in the bundle (kept)` : ''}`,
  );
  const from = staged.source === 'odm' ? ` from ODM file ${staged.origin}` : '';
  io.out(
    `${result.createdStudy ? 'created' : result.batch !== null ? 'updated' : 'nothing changed in'} study ${result.studyId}${from}${result.createdSites.length ? ` (new sites: ${result.createdSites.join(', ')})` : ''}\n${lines.join('\n')}\n${
      result.batch === null
        ? 'no batch recorded: nothing was written\n'
        : `batch ${result.batch} (undo it with: jia-trial import --revert ${result.batch} --reason "...")\n`
    }`,
  );
}

export function printRevert(io: StoreIo, result: RevertResult, json: boolean): void {
  if (json) {
    io.out(`${JSON.stringify(result)}\n`);
    return;
  }
  const list = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .map(([table, n]) => `${table} ${n}`)
      .join(', ') || 'none';
  io.out(
    `reverted batch ${result.reverted} of study ${result.studyId} as batch ${result.batch}\n  deleted (created by the batch): ${list(result.deleted)}\n  restored (changed by the batch): ${list(result.restored)}\n`,
  );
}

export function printBatches(
  io: StoreIo,
  studyId: string,
  batches: readonly ImportBatch[],
  json: boolean,
): void {
  if (json) {
    io.out(`${JSON.stringify({ studyId, batches })}\n`);
    return;
  }
  if (batches.length === 0) {
    io.out(`study ${studyId} has no import batch\n`);
    return;
  }
  const lines = batches.map((b) => {
    const what =
      b.kind === 'revert'
        ? `revert of batch ${b.reverts}`
        : `import (${b.source}${b.origin ? ` ${b.origin}` : ''}), ${b.subjectsAdded} subject(s) added${b.revertedBy !== null ? `; reverted by batch ${b.revertedBy}` : ''}`;
    return `  ${String(b.batch).padEnd(12)} ${b.at ?? ''}  ${b.actor ?? ''}  ${b.events} events  ${what}${b.reason ? `; reason: ${b.reason}` : ''}`;
  });
  io.out(`import batches of study ${studyId}, oldest first:\n${lines.join('\n')}\n`);
}
