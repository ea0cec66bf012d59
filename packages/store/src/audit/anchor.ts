/**
 * Anchors: signed statements of the audit chain's head, kept outside the database (issue 15;
 * docs/audit-trail.md, "Anchors"; ADR 0025). `jia-trial audit anchor` verifies the trail and
 * prints one; a user mails it or stores it elsewhere, and `verify-audit --anchors FILE` checks
 * later that the chain still holds every anchored block with its hash. A consistent rewrite or a
 * cut of the chain's end, which no check inside the database can see, cannot reproduce an
 * anchored head. The signature (Ed25519, node:crypto) makes an anchor that was edited, or made up
 * by someone without the key, fail: the key lives outside the database, in the key directory
 * (anchorKeyDir), the private key with mode 0600, made on first use.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Issue, JiaError } from '@jia-trial/errors';
import type pg from 'pg';
import { type ExpectedHead, verifyAudit } from './verify-audit.js';

export const ANCHOR_TYPE = 'jia-trial audit anchor';
export const ANCHOR_VERSION = 1;
/** The private key (PKCS #8 PEM, 0600) and the public key (SPKI PEM) in the key directory. */
export const PRIVATE_KEY_FILE = 'audit-anchor-key.pem';
export const PUBLIC_KEY_FILE = 'audit-anchor-key.pub.pem';

export interface AuditAnchor {
  readonly type: typeof ANCHOR_TYPE;
  readonly version: typeof ANCHOR_VERSION;
  /** Where the database was (a data directory or a URL without password), for people. */
  readonly database: string;
  readonly blockSeq: number;
  readonly hash: string;
  readonly events: number;
  readonly signedAt: string;
  /** The signer's public key, SPKI DER in base64. */
  readonly publicKey: string;
  /** Ed25519 over signedBytes(), base64. */
  readonly signature: string;
}

export interface KeyOptions {
  /** Default: anchorKeyDir(). */
  readonly keyDir?: string;
}

/**
 * $JIA_KEY_DIR, else $XDG_CONFIG_HOME/jia-trial, else ~/.config/jia-trial: never the data
 * directory, whose owner (and a backup of it) should not hold the key that vouches for it.
 */
export function anchorKeyDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JIA_KEY_DIR) return env.JIA_KEY_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'jia-trial');
}

/** The bytes signed: the statement's fields but the signature, in a fixed order. */
function signedBytes(a: Omit<AuditAnchor, 'signature'>): Buffer {
  return Buffer.from(
    JSON.stringify([
      a.type,
      a.version,
      a.database,
      a.blockSeq,
      a.hash,
      a.events,
      a.signedAt,
      a.publicKey,
    ]),
    'utf8',
  );
}

/** The signing key, made on first use (exclusively: two processes at once make one key). */
function privateKey(keyDir: string): KeyObject {
  const path = join(keyDir, PRIVATE_KEY_FILE);
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  try {
    const { privateKey: key, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(path, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    writeFileSync(
      join(keyDir, PUBLIC_KEY_FILE),
      publicKey.export({ type: 'spki', format: 'pem' }),
      { mode: 0o644 },
    );
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new JiaError(
      'USAGE_ERROR',
      `${path} may be read by others (mode ${mode.toString(8)}): the anchor key must be private; chmod 600 it`,
    );
  return createPrivateKey(readFileSync(path));
}

/** The trusted public key: the key directory's public key file (copy it to check elsewhere). */
function trustedKey(keyDir: string): KeyObject | null {
  try {
    return createPublicKey(readFileSync(join(keyDir, PUBLIC_KEY_FILE)));
  } catch {
    return null;
  }
}

const der = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64');

/** Signs a head with the key directory's key. */
export function signAnchor(
  head: ExpectedHead & { readonly events: number },
  database: string,
  options: KeyOptions = {},
): AuditAnchor {
  const key = privateKey(options.keyDir ?? anchorKeyDir());
  const body = {
    type: ANCHOR_TYPE,
    version: ANCHOR_VERSION,
    database,
    blockSeq: head.blockSeq,
    hash: head.hash,
    events: head.events,
    signedAt: new Date().toISOString(),
    publicKey: der(createPublicKey(key)),
  } as const;
  return { ...body, signature: sign(null, signedBytes(body), key).toString('base64') };
}

/**
 * Verifies the trail (a broken one is not vouched for: AUDIT_TRAIL_BROKEN) and signs its head.
 */
export async function createAnchor(
  pool: pg.Pool,
  options: KeyOptions & { readonly database?: string } = {},
): Promise<AuditAnchor> {
  const report = await verifyAudit(pool);
  if (!report.ok)
    throw new JiaError('AUDIT_TRAIL_BROKEN', 'the audit trail does not verify: no anchor made', {
      issues: report.problems,
    });
  return signAnchor({ ...report.head, events: report.events }, options.database ?? '', options);
}

/** Anchors from a file: one JSON statement per line (as `audit anchor` prints them). */
export function parseAnchors(text: string, source: string): unknown[] {
  const anchors: unknown[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      anchors.push(JSON.parse(line));
    } catch (error) {
      throw new JiaError(
        'USAGE_ERROR',
        `${source}:${i + 1}: not an anchor (one JSON statement per line, as jia-trial audit anchor prints): ${(error as Error).message}`,
      );
    }
  }
  if (anchors.length === 0) throw new JiaError('USAGE_ERROR', `${source} holds no anchor`);
  return anchors;
}

/**
 * The heads of the anchors whose signature verifies with the trusted key; a problem for each
 * other one (edited, made with another key, not an anchor).
 */
export function checkAnchors(
  anchors: readonly unknown[],
  options: KeyOptions = {},
): { heads: ExpectedHead[]; problems: Issue[] } {
  const keyDir = options.keyDir ?? anchorKeyDir();
  const trusted = trustedKey(keyDir);
  const heads: ExpectedHead[] = [];
  const problems: Issue[] = [];
  for (const [i, value] of anchors.entries()) {
    const path = `anchor ${i + 1}`;
    const a = value as Partial<AuditAnchor> | null;
    if (
      !a ||
      a.type !== ANCHOR_TYPE ||
      a.version !== ANCHOR_VERSION ||
      !Number.isSafeInteger(a.blockSeq) ||
      typeof a.hash !== 'string' ||
      !/^[0-9a-f]{64}$/.test(a.hash) ||
      typeof a.signature !== 'string' ||
      typeof a.publicKey !== 'string'
    ) {
      problems.push({ path, message: `not a ${ANCHOR_TYPE} of version ${ANCHOR_VERSION}` });
      continue;
    }
    if (!trusted) {
      problems.push({
        path,
        message: `no public key to check it with: ${join(keyDir, PUBLIC_KEY_FILE)} is missing (copy the signer's there, or set JIA_KEY_DIR)`,
      });
      continue;
    }
    if (a.publicKey !== der(trusted)) {
      problems.push({
        path,
        message: `signed with another key than ${join(keyDir, PUBLIC_KEY_FILE)}`,
      });
      continue;
    }
    const anchor = a as AuditAnchor;
    if (!verify(null, signedBytes(anchor), trusted, Buffer.from(anchor.signature, 'base64'))) {
      problems.push({ path, message: 'its signature does not verify: the anchor was edited' });
      continue;
    }
    heads.push({ blockSeq: anchor.blockSeq, hash: anchor.hash });
  }
  return { heads, problems };
}
