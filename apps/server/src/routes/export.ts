/**
 * A study as a bundle (`export`): the CSV files `jia-trial export` writes, read from one
 * snapshot, in one ZIP archive. Subjects are named by their study codes only; the bundle holds no
 * names (docs/bundle-format.md).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zip } from '@jia-trial/interop';
import { exportBundle } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { logRequestEvent } from '../security-log.js';
import { STUDY_ERRORS, StudyParams } from './shared-schemas.js';

export function exportRoutes(context: ServerContext): FastifyPluginAsyncZod {
  const { store } = context;
  return async (app) => {
    app.get(
      '/studies/:studyId/export',
      {
        config: { access: { kind: 'study', permission: 'export' } },
        schema: {
          summary: 'The study as a bundle: a ZIP of its CSV files (docs/bundle-format.md)',
          tags: ['export'],
          params: StudyParams,
          response: { 200: z.any().describe('application/zip'), ...STUDY_ERRORS },
        },
      },
      async (request, reply) => {
        const { studyId } = request.params;
        await logRequestEvent(store, request, { kind: 'export', studyId, detail: 'bundle, zip' });
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
