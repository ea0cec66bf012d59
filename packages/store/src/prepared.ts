/**
 * Statements prepared once per connection. node-postgres plans an unnamed statement anew on
 * every call; PostgreSQL keeps a named one's plan for the connection's life. Planning was most
 * of the work of the server's small per-request queries: the session lookup cost 0.56-0.82 ms
 * of PostgreSQL CPU unnamed and 0.10-0.13 ms named (docs/performance.md, "The server").
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';

const names = new Map<string, string>();

/** `text` as a named statement: the name is a hash of the text, so one text has one name. */
export function prepared(text: string, values: readonly unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (name === undefined) {
    name = `jia_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text, values: [...values] };
}
