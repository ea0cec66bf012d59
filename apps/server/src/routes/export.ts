/**
 * A study exported (`export`): by default as a bundle, the CSV files `jia-trial export` writes,
 * read from one snapshot, in one ZIP archive; `format=odm` (with `transactional=true`: the audit
 * trail) as CDISC ODM 1.3.2 and `format=fhir` as a FHIR R4 Bundle, streamed (exchange-stream.ts;
 * docs/interop.md). One route, one permission (`export`) for every format. Subjects are named by
 * their study codes only; no export holds names (docs/bundle-format.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JiaError } from '@jia-trial/errors';
import { zip } from '@jia-trial/interop';
import { exportBundle } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { logRequestEvent } from '../security-log.js';
import { sendExchangeExport } from './exchange-stream.js';
import { ErrorResponse, STUDY_ERRORS, StudyParams } from './shared-schemas.js';

const ExportQuery = z.strictObject({
  format: z
    .enum(['bundle', 'odm', 'fhir'])
    .default('bundle')
    .describe(
      'bundle: a ZIP of the CSV files; odm: CDISC ODM 1.3.2 XML; fhir: a FHIR R4 Bundle (JSON)',
    ),
  transactional: z
    .enum(['true', 'false'])
    .default('false')
    .describe('odm only: the whole audit trail (FileType Transactional) instead of a Snapshot'),
});

export function exportRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/export',
      {
        config: { access: { kind: 'study', permission: 'export' } },
        schema: {
          summary:
            'The study as a bundle (a ZIP of its CSV files, docs/bundle-format.md), as CDISC ODM 1.3.2 or as a FHIR R4 Bundle (docs/interop.md)',
          tags: ['export'],
          params: StudyParams,
          querystring: ExportQuery,
          response: {
            200: z.any().describe('application/zip, application/xml or application/fhir+json'),
            422: ErrorResponse,
            ...STUDY_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const { studyId } = request.params;
        const { format, transactional } = request.query;
        if (transactional === 'true' && format !== 'odm')
          throw new JiaError('VALIDATION_FAILED', 'transactional=true applies to format=odm only', {
            issues: [{ path: 'transactional', message: 'applies to format=odm only' }],
          });
        request.log.info({ studyId, format, transactional }, 'study exported');
        // Every export is a security event (who took the data out, in which form).
        const detail =
          format === 'bundle'
            ? 'bundle, zip'
            : transactional === 'true'
              ? 'odm, transactional'
              : format;
        await logRequestEvent(store, request, { kind: 'export', studyId, detail });
        if (format !== 'bundle')
          return sendExchangeExport(store, request, reply, {
            studyId,
            format,
            transactional: transactional === 'true',
          });
        const dir = await mkdtemp(join(tmpdir(), 'jia-export-'));
        try {
          const result = await exportBundle(store.pool, studyId, dir);
          const entries = await Promise.all(
            result.files.map(async (f) => ({
              name: f.file,
              data: await readFile(join(dir, f.file)),
            })),
          );
          return reply
            .type('application/zip')
            .header('content-disposition', `attachment; filename="${studyId}-bundle.zip"`)
            .send(zip(entries));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  };
}
