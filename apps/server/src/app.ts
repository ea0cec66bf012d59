/**
 * The trial server: the HTTP API under /api/v1 (docs/api.md), built on the store's services and
 * the field dictionary. Stateless: sessions, throttling and everything else that matters are in
 * PostgreSQL, so several servers can serve one database (docs/server.md).
 */
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import { JiaError } from '@jia-trial/errors';
import {
  type AccessSettings,
  accessSettingsFromEnv,
  type Store,
  unsealedAlert,
  unsealedAlertSecondsFromEnv,
  unsealedWindow,
} from '@jia-trial/store';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { type DeclaredRoute, registerAccessControl } from './access.js';
import type { ServerContext } from './context.js';
import { apiDocsPage } from './docs-page.js';
import { registerErrorHandling, sendError } from './http-errors.js';
import { QualityQueue } from './quality-after-save.js';
import { accessRoutes } from './routes/access.js';
import { adminRoutes } from './routes/admin.js';
import { auditReviewRoutes } from './routes/audit-review.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { exportRoutes } from './routes/export.js';
import { formStatusRoutes } from './routes/form-status.js';
import { lockRoutes } from './routes/locks.js';
import { pseudonymisedRoutes } from './routes/pseudonymised.js';
import { qualityRoutes } from './routes/quality.js';
import { randomisationRoutes } from './routes/randomisation.js';
import { recordRoutes } from './routes/records.js';
import { reportRoutes } from './routes/report.js';
import { reviewRoutes } from './routes/review.js';
import { sdvRoutes } from './routes/sdv.js';
import { secondFactorRoutes } from './routes/second-factor.js';
import { sessionRoutes } from './routes/session.js';
import { statusRoutes } from './routes/status.js';
import { studyRoutes } from './routes/studies.js';
import { subjectRoutes } from './routes/subjects.js';
import { transferRoutes } from './routes/transfers.js';
import { visitRoutes } from './routes/visits.js';
import { DEFAULT_WEB_ROOT, isBuilt, registerWebApp } from './web-app.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route of the API with the access it declares. */
    declaredRoutes: readonly DeclaredRoute[];
    /** Resolves when the data-quality checks queued by saves have run. */
    qualityChecksSettled(): Promise<void>;
  }
}

export const API_PREFIX = '/api/v1';
/** The largest request body accepted (a visit with every joint and CHAQ answer is under 20 KiB). */
export const BODY_LIMIT_BYTES = 256 * 1024;

export interface ServerOptions {
  readonly store: Store;
  /** Mark the session cookie Secure: set when clients reach the server over HTTPS. */
  readonly secureCookies?: boolean;
  /** Trust X-Forwarded-For from a reverse proxy (docs/server.md, "HTTPS behind a proxy"). */
  readonly trustProxy?: FastifyServerOptions['trustProxy'];
  readonly logger?: FastifyServerOptions['logger'];
  /** Today as YYYY-MM-DD (tests fix it). */
  readonly today?: () => string;
  /**
   * The password policy, lockout and idle sign-out (docs/server.md, "Access settings"); default:
   * the environment's JIA_PASSWORD_MIN_LENGTH and the others, else their defaults.
   */
  readonly accessSettings?: AccessSettings;
  /**
   * The unsealed window's limit in seconds (docs/audit-trail.md; default
   * JIA_AUDIT_UNSEALED_ALERT_SECONDS, else 300): past it, health answers status "alert".
   */
  readonly unsealedAlertSeconds?: number;
  /**
   * The built browser application to serve at / (default apps/web/dist; null: none). When it is
   * not built, / says how to build it.
   */
  readonly webRoot?: string | null;
}

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    // Ids in paths are at most 64 characters; nothing longer is a route of ours.
    routerOptions: { maxParamLength: 200 },
    // The router's own errors (a malformed URL) in the API's error shape too.
    frameworkErrors: (error, _request, reply) => {
      void sendError(
        reply as unknown as FastifyReply,
        new JiaError('MALFORMED_REQUEST', `the URL cannot be read (${error.code})`),
      );
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const base = {
    store: options.store,
    secureCookies: options.secureCookies ?? false,
    today: options.today ?? (() => new Date().toISOString().slice(0, 10)),
    access: options.accessSettings ?? accessSettingsFromEnv(),
  };
  const context: ServerContext = { ...base, quality: new QualityQueue(base, app.log) };
  app.decorate('qualityChecksSettled', () => context.quality.settled());
  // A server that stops finishes the checks its saves queued.
  app.addHook('onClose', () => context.quality.settled());
  const webRoot = options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot;
  const serveApp = webRoot !== null && isBuilt(webRoot);
  registerErrorHandling(app, serveApp);
  // Answers hold clinical data, CSRF tokens and one-time passwords: no browser or proxy keeps them.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith(API_PREFIX)) void reply.header('cache-control', 'no-store');
  });
  await app.register(helmet, {
    // The application's own scripts and styles only; JSON and the API page need nothing more.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        // The browser application: its own scripts and styles, calls to its own origin.
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    // HSTS only means something over HTTPS.
    strictTransportSecurity: context.secureCookies,
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'jia-trial API',
        version: '1.0.0',
        description:
          'The trial server of jia-trial. Every failure has the shape {error: {code, message, issues[]}} (docs/errors.md).',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'jia_session' },
          csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  const routes = registerAccessControl(app, options.store, context.access.session);
  app.decorate('declaredRoutes', routes);
  await app.register(
    async (api) => {
      await api.register(sessionRoutes(context));
      await api.register(secondFactorRoutes(context));
      await api.register(studyRoutes(context));
      await api.register(dashboardRoutes(context));
      await api.register(statusRoutes(context));
      await api.register(visitRoutes(context));
      await api.register(adminRoutes(context));
      await api.register(accessRoutes(context));
      await api.register(subjectRoutes(context));
      await api.register(recordRoutes(context));
      await api.register(reportRoutes(context));
      await api.register(reviewRoutes(context));
      await api.register(lockRoutes(context));
      await api.register(randomisationRoutes(context));
      await api.register(auditReviewRoutes(context));
      await api.register(exportRoutes(context));
      await api.register(pseudonymisedRoutes(context));
      await api.register(qualityRoutes(context));
      // Issue 18: source data verification, form status, site transfers.
      await api.register(sdvRoutes(context));
      await api.register(formStatusRoutes(context));
      await api.register(transferRoutes(context));
      api.get(
        '/openapi.json',
        { config: { access: { kind: 'public' } }, schema: { hide: true } },
        async () => app.swagger(),
      );
      api.get(
        '/health',
        { config: { access: { kind: 'public' } }, schema: { hide: true } },
        async (request) => {
          // The audit trail's unsealed window past its limit is an alert (docs/audit-trail.md):
          // named here for monitoring (no detail: health is public), in full in the log.
          const alert = unsealedAlert(
            await unsealedWindow(options.store.pool),
            options.unsealedAlertSeconds ?? unsealedAlertSecondsFromEnv(),
          );
          if (!alert) return { status: 'ok' };
          request.log.warn({ alert: alert.message }, 'audit trail: unsealed window past its limit');
          return { status: 'alert', alerts: ['audit-unsealed'] };
        },
      );
    },
    { prefix: API_PREFIX },
  );
  if (serveApp) await registerWebApp(app, webRoot as string);
  else
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .send(
          'jia-trial: the browser application is not built here (npm run build). The API is at /api/v1, its documentation at /api/docs.\n',
        ),
    );
  app.get('/api/docs', { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(apiDocsPage(app.swagger() as unknown as Parameters<typeof apiDocsPage>[0])),
  );
  return app;
}
