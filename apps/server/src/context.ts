import type { AccessSettings, Store } from '@jia-trial/store';
import type { QualityQueue } from './quality-after-save.js';

/** What every route needs from the server it runs in. */
export interface ServerContext {
  readonly store: Store;
  /** Whether the session cookie is marked Secure (the server is reached over HTTPS). */
  readonly secureCookies: boolean;
  /** The password policy, lockout and idle sign-out in force (docs/server.md, "Access settings"). */
  readonly access: AccessSettings;
  /** Today (YYYY-MM-DD), for an `asOf` left out: the engine itself never reads a clock. */
  today(): string;
  /** The subjects waiting for their data-quality check after a save. */
  readonly quality: QualityQueue;
}
