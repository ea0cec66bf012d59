/**
 * Optimistic concurrency over HTTP (docs/api.md, "Versions"): a change to a stored record names
 * the version it was based on in If-Match, `3` or the ETag form `"3"`.
 */
import { JiaError } from '@jia-trial/errors';
import { z } from 'zod';

/** The request headers of a route that takes If-Match. */
export const IfMatchHeaders = z.object({ 'if-match': z.string().optional() });

/** The version an If-Match header names, or null without one. */
export function ifMatchVersion(header: string | undefined): number | null {
  if (header === undefined) return null;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match)
    throw new JiaError('MALFORMED_REQUEST', `If-Match ${JSON.stringify(header)} is not a version`, {
      issues: [{ path: 'headers.if-match', message: 'is the version number of the record read' }],
    });
  return Number(match[1]);
}

/** The version a change of a stored record is based on: without If-Match, 428. */
export function requiredVersion(header: string | undefined, what: string): number {
  const version = ifMatchVersion(header);
  if (version === null)
    throw new JiaError(
      'PRECONDITION_REQUIRED',
      `a change of a stored ${what} names the version it is based on: send If-Match with it`,
    );
  return version;
}
