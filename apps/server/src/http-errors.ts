/**
 * Every failure as the one error shape of the API (docs/errors.md; ADR 0010):
 * `{ "error": { "code", "message", "issues": [{ "path", "message" }] } }` with the code's HTTP
 * status, on every route, including unknown routes, unreadable JSON and oversized bodies. A
 * fault of jia-trial itself is logged with its stack and answered with a reference to the log
 * line, never with the stack, SQL or the driver's text.
 */
import { randomUUID } from 'node:crypto';
import { ERROR_CODES, type ErrorCode, errorBody, type Issue, JiaError } from '@jia-trial/errors';
import { translateDatabaseError } from '@jia-trial/store';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isAppPage } from './web-app.js';

/** A zod issue's path as the API writes paths: `visits[3].esr`. */
export function issuePath(parts: ReadonlyArray<PropertyKey>): string {
  return parts
    .map((part, i) =>
      typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** Fastify's own errors, by code, as ours. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'MALFORMED_REQUEST',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'MALFORMED_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_BAD_URL: 'MALFORMED_REQUEST',
};

function asApiError(raw: FastifyError | JiaError | Error): JiaError {
  // The database's own errors first: a lost connection is DATABASE_UNAVAILABLE (503).
  const error = translateDatabaseError(raw) as FastifyError | JiaError | Error;
  if (error instanceof JiaError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'body';
    const pathOf = (parts: ReadonlyArray<string | number>) =>
      where === 'body' ? issuePath(parts) : issuePath([where, ...parts]);
    const issues: Issue[] = error.validation.flatMap((v) => {
      const path = v.instancePath
        .split('/')
        .filter(Boolean)
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      // An unknown field is named by its own path, one issue each, not by its object's.
      const unknown =
        v.keyword === 'unrecognized_keys' ? (v.params as { keys?: string[] }).keys : null;
      if (unknown?.length)
        return unknown.map((key) => ({
          path: pathOf([...path, key]),
          message: 'is not a field of this request',
        }));
      return [{ path: pathOf(path), message: v.message ?? 'is invalid' }];
    });
    return new JiaError('VALIDATION_FAILED', `the request has ${issues.length} invalid field(s)`, {
      issues,
    });
  }
  const fastifyCode = (error as FastifyError).code;
  const mapped = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
  if (mapped)
    return new JiaError(
      mapped,
      mapped === 'PAYLOAD_TOO_LARGE' ? 'the request body is too large' : error.message,
    );
  if (error instanceof SyntaxError) return new JiaError('MALFORMED_REQUEST', error.message);
  return new JiaError('INTERNAL_ERROR', error.message, { cause: error });
}

/** The codes whose message is the database's own, and what the client reads instead. */
const GENERIC_MESSAGES: Partial<Record<ErrorCode, string>> = {
  INTERNAL_ERROR: 'an internal error occurred',
  DATABASE_UNAVAILABLE: 'the database is not available; try again shortly',
  DATABASE_REFUSED: 'the database refused the change',
  PERMISSION_DENIED: 'the database role may not do this',
};

export function sendError(reply: FastifyReply, error: JiaError): FastifyReply {
  const status = ERROR_CODES[error.code].status;
  if (error.code === 'TOO_MANY_ATTEMPTS') {
    const wait = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
    if (wait) void reply.header('retry-after', String(wait));
  }
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(error));
}

/**
 * The error handler and the 404 of unknown routes, in the one error shape; with `appPage`, a
 * GET of an unknown path outside /api is the browser application's index.html instead.
 */
export function registerErrorHandling(app: FastifyInstance, appPage = false): void {
  app.setErrorHandler((raw: FastifyError, request, reply) => {
    const error = asApiError(raw);
    if (error.code in GENERIC_MESSAGES) {
      const reference = randomUUID();
      request.log.error({ err: raw, reference }, 'request failed');
      // These messages may hold SQL, constraint names or the driver's text: the log keeps
      // them, the client gets the reference.
      return sendError(
        reply,
        new JiaError(error.code, `${GENERIC_MESSAGES[error.code]} (reference ${reference})`),
      );
    }
    return sendError(reply, error);
  });
  app.setNotFoundHandler((request, reply) => {
    // A page of the browser application (its own routes, e.g. /#/studies/x reloaded as a path).
    if (appPage && isAppPage(request.method, request.url))
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    return sendError(
      reply,
      new JiaError('NOT_FOUND', `there is no ${request.method} ${request.url.split('?')[0]}`),
    );
  });
}
