/**
 * What a CSV header saved by a spreadsheet gets wrong, said so (issue 16, "Files from
 * spreadsheets"): a semicolon-separated file (Excel in many European languages), a header name
 * with a space around it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bundleFile } from '@jia-trial/dictionary';
import { ProblemList } from '../bundle/bundle-problems.js';
import { validateFile } from '../bundle/validate-file.js';
import { scratchFile } from '../test-support.js';
import { semicolonSeparatedHeader, unknownColumn } from './header-hints.js';

const KNOWN = ['subject_id', 'visit_id', 'visit_date'];

describe('a semicolon-separated header', () => {
  test('is recognised when it is one field holding known names separated by ;', () => {
    const hint = semicolonSeparatedHeader(['subject_id;visit_id;visit_date'], KNOWN);
    assert.match(hint ?? '', /separated by semicolons/);
    assert.match(hint ?? '', /European/);
    assert.match(hint ?? '', /comma/);
  });
  test('a header that only contains a semicolon inside an unknown name is not one', () => {
    assert.equal(semicolonSeparatedHeader(['subject_id', 'a;b'], KNOWN), null);
    assert.equal(semicolonSeparatedHeader(['subject_id', 'visit_id'], KNOWN), null);
  });
  test('a comma-separated header with a stray ; in one field and known names around: not one', () => {
    assert.equal(semicolonSeparatedHeader(['subject_id', 'visit_id;x', 'visit_date'], KNOWN), null);
  });
});

describe('an unknown header name', () => {
  test('with a space around a known name: shown quoted, and the fix named', () => {
    const u = unknownColumn(' visit_id', KNOWN);
    assert.equal(u.column, '" visit_id"');
    assert.match(u.message, /has a space before or after it: the column is visit_id/);
    const trailing = unknownColumn('visit_date ', KNOWN);
    assert.equal(trailing.column, '"visit_date "');
  });
  test('any other: the expected names listed', () => {
    const u = unknownColumn('visitdate', KNOWN);
    assert.equal(u.column, 'visitdate');
    assert.match(u.message, /unknown column \(expected: subject_id, visit_id, visit_date\)/);
  });
});

describe('a bundle file saved by a European Excel', () => {
  const SUBJECTS = bundleFile('subjects.csv');
  test('one problem that names the semicolons, not one per missing column', () => {
    const problems = new ProblemList(100);
    const names = SUBJECTS.columns.map((c) => c.name);
    validateFile(scratchFile('subjects.csv', `${names.join(';')}\n`), SUBJECTS, problems);
    assert.equal(problems.problems.length, 1, JSON.stringify(problems.problems));
    assert.match(problems.problems[0]?.message ?? '', /separated by semicolons/);
  });
  test('a name with a space around it is shown quoted', () => {
    const problems = new ProblemList(100);
    const names = SUBJECTS.columns.filter((c) => c.required).map((c) => c.name);
    const header = names.map((n, i) => (i === 1 ? ` ${n}` : n)).join(',');
    validateFile(scratchFile('subjects.csv', `${header}\n`), SUBJECTS, problems);
    const quoted = problems.problems.find((p) => p.column === `" ${names[1]}"`);
    assert.ok(quoted, JSON.stringify(problems.problems));
  });
});
