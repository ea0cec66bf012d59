/**
 * The browser application (apps/web, docs/web.md) served at /: its built files as they are, the
 * hashed assets cached for good, and index.html for any other page path the application routes
 * itself. The API keeps its own 404 (the error shape) under /api.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** apps/web/dist beside this package (from src/ in tests, dist/ when built: the same depth). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Whether `webRoot` holds a built application. */
export function isBuilt(webRoot: string): boolean {
  return existsSync(join(webRoot, 'index.html'));
}

export async function registerWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    // Routes for the files found at start; anything else falls through to the 404 handler.
    wildcard: false,
    index: ['index.html'],
    setHeaders(res, path) {
      // Vite names assets by content hash: a changed file is a new name.
      res.setHeader(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}

/** Whether a request not matched by any route is a page of the application (not the API's). */
export function isAppPage(method: string, url: string): boolean {
  return (method === 'GET' || method === 'HEAD') && !url.startsWith('/api/') && url !== '/api';
}
