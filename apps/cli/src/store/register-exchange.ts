/**
 * The options of `export` and `import` for the exchange formats (docs/interop.md): --format,
 * and for ODM --transactional, for FHIR --ndjson, --date-shift and --drop-dates-before. The
 * work is in exchange-commands.ts, loaded when such a command runs.
 */

import { JiaError } from '@jia-trial/errors';
import { type Command, Option } from 'commander';
import type { ImportOptions } from './import-commands.js';
import type { StoreIo } from './store-commands.js';

const exchange = () => import('./exchange-commands.js');
const fhir = () => import('./fhir-commands.js');

export function registerExchangeOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--format <format>',
        'bundle (CSV folder), odm (CDISC ODM 1.3.2 XML) or fhir (FHIR R4 JSON)',
      )
        .choices(['bundle', 'odm', 'fhir'])
        .default('bundle'),
    )
    .option(
      '--transactional',
      'odm: write the full audit history (FileType Transactional) instead of a Snapshot',
    )
    .option(
      '--ndjson <dir>',
      'fhir: also write one NDJSON file per resource type into this folder (bulk loaders)',
    )
    .option(
      '--date-shift <days>',
      'fhir: move every date by this many days (an integer, may be negative) for de-identified sharing',
    )
    .option(
      '--drop-dates-before <date>',
      'fhir: leave out every record dated before this day (YYYY-MM-DD)',
    );
}

export function requiredOut(out: string | undefined): string {
  if (out === undefined)
    throw new JiaError('USAGE_ERROR', "required option '--out <dir>' not specified");
  return out;
}

interface ExportOpts {
  out?: string;
  study?: string;
  json?: boolean;
  format: string;
  transactional?: boolean;
  ndjson?: string;
  dateShift?: string;
  dropDatesBefore?: string;
}

/** Refuses an option of another format (USAGE_ERROR); false, so `||` goes on to the bundle export. */
export function checkFormatOptions(opts: ExportOpts): false {
  onlyFor(opts.format, opts);
  return false;
}

function onlyFor(format: string, opts: ExportOpts): void {
  const misplaced: Array<[keyof ExportOpts, string, string]> = [
    ['transactional', '--transactional', 'odm'],
    ['ndjson', '--ndjson', 'fhir'],
    ['dateShift', '--date-shift', 'fhir'],
    ['dropDatesBefore', '--drop-dates-before', 'fhir'],
  ];
  for (const [key, flag, wanted] of misplaced)
    if (opts[key] !== undefined && format !== wanted)
      throw new JiaError('USAGE_ERROR', `${flag} applies to --format ${wanted} only`);
}

export async function runExchangeExport(io: StoreIo, opts: ExportOpts): Promise<void> {
  onlyFor(opts.format, opts);
  if (opts.format === 'odm')
    return (await exchange()).runExportOdm(io, {
      out: requiredOut(opts.out),
      study: opts.study,
      transactional: opts.transactional === true,
      json: opts.json === true,
    });
  if (opts.out === undefined && opts.ndjson === undefined)
    throw new JiaError('USAGE_ERROR', '--format fhir needs --out FILE.json, --ndjson DIR, or both');
  return (await fhir()).runExportFhir(io, {
    out: opts.out,
    ndjson: opts.ndjson,
    study: opts.study,
    dateShift: opts.dateShift,
    dropDatesBefore: opts.dropDatesBefore,
    json: opts.json === true,
  });
}

export async function runExchangeImport(
  io: StoreIo,
  file: string,
  opts: ImportOptions & { readonly format: string },
): Promise<void> {
  if (opts.format !== 'odm')
    throw new JiaError('USAGE_ERROR', `--format ${opts.format}: import reads bundle or odm`);
  if (opts.study === undefined)
    throw new JiaError('USAGE_ERROR', 'an ODM import needs --study <id>');
  return (await exchange()).runImportOdm(io, file, { ...opts, study: opts.study });
}
