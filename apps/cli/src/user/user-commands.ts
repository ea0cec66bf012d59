/**
 * `jia-trial user add|grant|revoke|disable|enable|reset|list`: account administration without
 * the UI (docs/server.md, "Accounts"). Each change is made by the operating-system user running
 * the command (os:<login>) and is audited like any other.
 */
import type { Role } from '@jia-trial/dictionary';
import { JiaError } from '@jia-trial/errors';
import {
  accessSettingsFromEnv,
  createUser,
  grantRole,
  listAccounts,
  oneTimePassword,
  resetSecondFactor,
  revokeRole,
  setAccountValidity,
  setDisabled,
  setPassword,
  withTransaction,
} from '@jia-trial/store';
import { cliActor, type StoreIo, withStore } from '../store/store-commands.js';

export interface UserIo extends Pick<StoreIo, 'env' | 'note' | 'out'> {
  /** Standard input's whole text (for --password-stdin). */
  readStdin(): Promise<string>;
}

export interface PasswordSource {
  /** Read the password from standard input (one line) instead of generating a one-time one. */
  readonly passwordStdin: boolean;
}

/** The password to set: from standard input, or a one-time password printed once. */
async function passwordFor(
  io: UserIo,
  source: PasswordSource,
): Promise<{ password: string; oneTime: boolean }> {
  if (!source.passwordStdin) return { password: oneTimePassword(), oneTime: true };
  const text = (await io.readStdin()).replace(/\r?\n$/, '');
  if (text.includes('\n'))
    throw new JiaError('USAGE_ERROR', '--password-stdin reads one line; standard input had more');
  return { password: text, oneTime: false };
}

export async function runUserAdd(
  io: UserIo,
  username: string,
  options: PasswordSource & { name?: string | undefined; actor?: string | undefined },
): Promise<void> {
  const { password, oneTime } = await passwordFor(io, options);
  await withStore(io, (store) =>
    withTransaction(store, cliActor(options.actor), undefined, (tx) =>
      createUser(
        tx,
        {
          username,
          displayName: options.name?.trim() || username,
          password,
          mustChangePassword: oneTime,
        },
        accessSettingsFromEnv(io.env).password,
      ),
    ),
  );
  io.out(
    oneTime
      ? `created ${username}; one-time password (shown only now, to be changed at first sign-in): ${password}\n`
      : `created ${username}\n`,
  );
}

export async function runUserReset(
  io: UserIo,
  username: string,
  options: PasswordSource & { reason: string; actor?: string | undefined },
): Promise<void> {
  const { password, oneTime } = await passwordFor(io, options);
  await withStore(io, (store) =>
    withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
      setPassword(tx, username, password, {
        mustChangePassword: oneTime,
        policy: accessSettingsFromEnv(io.env).password,
      }),
    ),
  );
  io.out(
    oneTime
      ? `reset ${username} (unlocked, sessions ended); one-time password: ${password}\n`
      : `reset ${username} (unlocked, sessions ended)\n`,
  );
}

export async function runUserRole(
  io: UserIo,
  change: 'grant' | 'revoke',
  username: string,
  options: {
    study: string;
    role: Role;
    site?: string | undefined;
    reason?: string | undefined;
    actor?: string | undefined;
  },
): Promise<void> {
  const roleChange = {
    username,
    studyId: options.study,
    role: options.role,
    site: options.site ?? null,
  };
  await withStore(io, (store) =>
    withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
      change === 'grant' ? grantRole(tx, roleChange) : revokeRole(tx, roleChange),
    ),
  );
  io.out(
    `${change === 'grant' ? 'granted' : 'revoked'} ${options.role} in ${options.study}${options.site ? ` at ${options.site}` : ''} ${change === 'grant' ? 'to' : 'from'} ${username}\n`,
  );
}

export async function runUserDisable(
  io: UserIo,
  username: string,
  disabled: boolean,
  options: { reason: string; actor?: string | undefined },
): Promise<void> {
  await withStore(io, (store) =>
    withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
      setDisabled(tx, username, disabled),
    ),
  );
  io.out(`${disabled ? 'disabled (sessions ended)' : 'enabled'} ${username}\n`);
}

export async function runUserValidUntil(
  io: UserIo,
  username: string,
  day: string,
  options: { reason: string; actor?: string | undefined },
): Promise<void> {
  const validUntil = day === 'none' ? null : day;
  await withStore(io, (store) =>
    withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
      setAccountValidity(tx, username, validUntil),
    ),
  );
  io.out(`${username} ${validUntil ? `valid until ${validUntil} (UTC)` : 'valid with no end'}\n`);
}

export async function runSecondFactorReset(
  io: UserIo,
  username: string,
  options: { reason: string; actor?: string | undefined },
): Promise<void> {
  await withStore(io, (store) =>
    withTransaction(store, cliActor(options.actor), options.reason, (tx) =>
      resetSecondFactor(tx, username),
    ),
  );
  io.out(`${username}: second factor removed (they enrol again)\n`);
}

export async function runUserList(io: UserIo, json: boolean): Promise<void> {
  const accounts = await withStore(io, (store) => listAccounts(store));
  if (json) {
    io.out(`${JSON.stringify(accounts)}\n`);
    return;
  }
  for (const a of accounts)
    io.out(
      `${a.username.padEnd(24)} ${a.displayName}${a.disabled ? ' [disabled]' : ''}${a.locked ? ' [locked]' : ''}${a.mustChangePassword ? ' [must change password]' : ''}\n`,
    );
}
