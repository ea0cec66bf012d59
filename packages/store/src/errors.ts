/** Errors the store raises for callers to act on (the CLI maps them to messages and exit codes). */

/** A write was based on a version of the record that is no longer current. Nothing changed. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(
    readonly table: string,
    readonly key: string,
    readonly expectedVersion: number,
    readonly currentVersion: number | null,
  ) {
    super(
      expectedVersion === 0
        ? `${table} ${key} already exists (version ${currentVersion}): load it and edit it`
        : currentVersion === null
          ? `${table} ${key} no longer exists (the edit was based on version ${expectedVersion})`
          : `${table} ${key} was changed by someone else: the edit was based on version ${expectedVersion}, the current version is ${currentVersion}`,
    );
  }
}

/** A change after first entry was attempted without a reason for change. */
export class ReasonRequiredError extends Error {
  override readonly name = 'ReasonRequiredError';
}

/** A record named by a caller does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
