/** The studies the signed-in user holds a role in. */
import { studiesOf } from '@jia-trial/store';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { ErrorResponse } from './shared-schemas.js';

const Study = z
  .object({
    studyId: z.string(),
    title: z.string().nullable(),
    protocolId: z.string().nullable(),
    sites: z.array(z.object({ code: z.string(), name: z.string().nullable() })),
    roles: z.array(z.object({ role: z.string(), site: z.string().nullable() })),
  })
  .meta({ id: 'Study' });

export function studyRoutes(context: ServerContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/studies',
      {
        config: { access: { kind: 'signed_in' } },
        schema: {
          summary: 'The studies you hold a role in, with your roles',
          tags: ['studies'],
          response: {
            200: z.object({ studies: z.array(Study) }),
            401: ErrorResponse,
            403: ErrorResponse,
          },
        },
      },
      async (request) => ({
        studies: await studiesOf(
          context.store,
          (request.session as NonNullable<typeof request.session>).user.id,
        ),
      }),
    );
  };
}
