/**
 * Every error code jia-trial raises, with what it means, what to do about it, its HTTP status
 * and its command-line exit class. A code is stable: clients and scripts branch on it, never on
 * the message text. docs/errors.md is generated from this table
 * (`node --conditions=source --import tsx scripts/render-error-codes.ts`; a test fails when they
 * differ), and JiaError accepts only the codes listed here.
 *
 * Exit classes (docs/architecture.md, "Interfaces"): `failure` exits 1 (the input, the data or
 * the environment stood in the way: nothing was changed), `usage` exits 2 (the command was called
 * wrongly), `internal` exits 70 (EX_SOFTWARE of sysexits.h: a fault of jia-trial itself).
 */

export type ExitClass = 'failure' | 'usage' | 'internal';

export interface ErrorCodeInfo {
  /** The HTTP status of a response carrying this error. */
  readonly status: number;
  readonly exit: ExitClass;
  /** What happened, in one or two sentences. */
  readonly meaning: string;
  /** What the person who met it should do. */
  readonly action: string;
}

export const ERROR_CODES = {
  USAGE_ERROR: {
    status: 400,
    exit: 'usage',
    meaning:
      'A command was called wrongly: an unknown option, a missing or malformed argument, or an input path that does not exist.',
    action: 'Read the message and `jia-trial <command> --help`, then correct the call.',
  },
  VALIDATION_FAILED: {
    status: 422,
    exit: 'failure',
    meaning:
      'The data given has problems. Each is an issue with its place (a file, line and column, or a field path) and why. Nothing was stored or written.',
    action:
      'Correct every issue at its source and try again. Only the first problems are listed (`--max-errors` lists more); the rest are counted.',
  },
  NOT_FOUND: {
    status: 404,
    exit: 'failure',
    meaning:
      'Something the request names does not exist: a study, a site, a subject, a record, a baseline visit or a protocol. A record at a site the caller may not see is not found either (the two are not told apart).',
    action:
      'Check the name or id (the message says which one and, where it can, lists the known ones).',
  },
  VERSION_CONFLICT: {
    status: 409,
    exit: 'failure',
    meaning:
      'A change was based on a version of a record that is no longer current: someone else changed it after it was read, or an import would replace records changed since its bundle was exported. Nothing was changed.',
    action:
      'Load the record again (for a bundle, export the study again), re-apply the change and save it. To overwrite deliberately with a bundle, import with `--replace` and a `--reason`.',
  },
  INVALID_TRANSITION: {
    status: 409,
    exit: 'failure',
    meaning:
      'A data query cannot make the change asked from the status it is in (an answer to a closed query, a reopening of an open one; docs/store.md gives the states), or a lock was to be released twice or changed otherwise than by its release. Nothing was changed.',
    action:
      'Load the query again: its status says what can be done next (an open query is answered or closed, an answered one closed or reopened, a closed one reopened).',
  },
  RECORD_LOCKED: {
    status: 423,
    exit: 'failure',
    meaning:
      'The change touches records that a lock in force covers: a frozen visit, casebook or study takes no change of its data; a locked one takes no change at all, no query, signature or acknowledgement either (docs/data-management.md, "Locking and freezing"). `details.lock` names the lock (id, scope, key, kind, who, when, why), `details.records` the records refused (an import lists them as issues). Also: a lock asked for where one is in force already. Nothing was changed.',
    action:
      'Ask a data manager to release the lock (with a reason) if the change is needed; then change the record again.',
  },
  SIGNATURE_REFUSED: {
    status: 403,
    exit: 'failure',
    meaning:
      'An electronic signature was refused: only an enabled jia-trial account (an actor `user:<account id>`) can sign, since a signature names one person by their account (21 CFR 11.100, 11.200). Nothing was signed.',
    action: 'Sign in with your own account (not the command line) and sign again.',
  },
  REASON_REQUIRED: {
    status: 422,
    exit: 'failure',
    meaning:
      'A change to data already stored (an update or a deletion) was attempted without a reason for change, which the audit trail records with it.',
    action: 'Give the reason (`--reason` on the command line).',
  },
  ADD_SUBJECTS_REQUIRED: {
    status: 409,
    exit: 'failure',
    meaning:
      "An import would add subjects to a study that already holds subjects, which it does only when asked: another trial's bundle, or a folder of the same name, would otherwise be merged into the study. The issues list, by subject code, every record the import would add or change. Nothing was imported.",
    action:
      'Check that the bundle belongs to this study (`jia-trial import BUNDLE --dry-run` prints the plan). If it does, import with `--add-subjects --reason "..."`; the reason is recorded with every change of the import.',
  },
  STUDY_MISMATCH: {
    status: 409,
    exit: 'failure',
    meaning:
      "The bundle's study file (study.csv) names another study than the one the import was asked to write to (`--study`). Nothing was imported.",
    action:
      'Import the bundle into the study its study file names (leave `--study` out), or correct study.csv if the bundle really belongs to the other study.',
  },
  BATCH_NOT_REVERTIBLE: {
    status: 409,
    exit: 'failure',
    meaning:
      'An import batch cannot be reverted: a later change touched a record it wrote (the issues name each record, who changed it and when), it was reverted already, or it is a revert itself. Nothing was changed.',
    action:
      'Revert the later changes first (or correct the records by hand, with a reason); a revert is undone by importing the bundle again. `jia-trial audit batches --study ID` lists the batches.',
  },
  DOSE_REFUSED: {
    status: 422,
    exit: 'failure',
    meaning:
      "A dose was refused: the body weight is not plausible, the requested or recorded dose is outside the protocol's tolerance (the issues name the values), or the protocol has no intervention to dose.",
    action: "Check the weight and the dose against the protocol's dosing rule (`jia-trial dose`).",
  },
  RANDOMISATION_NOT_DUE: {
    status: 422,
    exit: 'failure',
    meaning:
      "A subject was to be randomised before the protocol's randomisation step: not eligible, withdrawn, the step's visit not done or its requirement not met (`details.due` says which and why), or the protocol has no randomisation. Nothing was allocated.",
    action:
      "Record what the step needs (the message names the visit and values) and randomise again; the subject's Randomisation panel shows when it is due.",
  },
  ALREADY_RANDOMISED: {
    status: 409,
    exit: 'failure',
    meaning:
      'The subject was randomised already (the message says by whom and when). An allocation is never repeated or changed.',
    action:
      "Read the subject's randomisation instead; an unblinding role may unblind it in an emergency.",
  },
  ALLOCATION_LIST_EXISTS: {
    status: 409,
    exit: 'failure',
    meaning:
      'The study has an allocation list already: a list is generated once and sealed, never replaced (the message names who generated it, when, and its digest).',
    action: '`jia-trial randomisation list --study ID` shows it; `verify` checks it.',
  },
  ALLOCATION_LIST_MISSING: {
    status: 409,
    exit: 'failure',
    meaning: 'The study has no allocation list yet, so no subject can be randomised.',
    action:
      'A data manager generates it (the Randomisation page, `POST /api/v1/studies/{studyId}/randomisation/list` or `jia-trial randomisation generate`).',
  },
  ALLOCATION_LIST_EXHAUSTED: {
    status: 409,
    exit: 'failure',
    meaning:
      "The subject's stratum has no unused entry left in the allocation list (or the list has no such stratum). Nothing was allocated.",
    action:
      "Tell the trial statistician: the list is sealed and cannot be extended here; the protocol sets each stratum's list length.",
  },
  ALLOCATION_LIST_BROKEN: {
    status: 500,
    exit: 'failure',
    meaning:
      "The study's sealed allocation list does not verify: its entries' digest is not the one recorded when it was sealed, its seed's digest differs, or the list regenerated from the seed under the protocol is another (the issues name which, never an arm).",
    action:
      'Stop randomising; tell the trial statistician and the sponsor. The audit trail names who generated the list and when; a backup taken before restores the original.',
  },
  NOT_RANDOMISED: {
    status: 409,
    exit: 'failure',
    meaning: 'The subject has not been randomised: there is no arm to reveal.',
    action: 'Randomise the subject first, when it is due.',
  },
  PROTOCOL_INVALID: {
    status: 422,
    exit: 'failure',
    meaning:
      'A protocol definition fails its schema or its cross-checks (a misspelt key, a rule naming a visit or criterion that does not exist).',
    action: 'Correct the protocol definition at each listed path.',
  },
  INPUT_CHANGED: {
    status: 409,
    exit: 'failure',
    meaning:
      'An input file changed while it was being read (it is read twice: to check it, then to write the result). Nothing was written.',
    action: 'Wait until whatever writes the file has finished, then run the command again.',
  },
  DATABASE_REFUSED: {
    status: 422,
    exit: 'failure',
    meaning:
      "The database refused a record that jia-trial's own validation let through (a constraint). The whole change was rolled back.",
    action:
      'Correct the record the message names. Please also report it: the validation should have caught it first.',
  },
  PERMISSION_DENIED: {
    status: 403,
    exit: 'failure',
    meaning:
      "The database role jia-trial connects as may not do this (it reads and writes the trial's data, but cannot alter tables, disable triggers or write the audit trail directly).",
    action:
      'Schema changes run as the owner role (`JIA_OWNER_DATABASE_URL`, docs/store.md); nothing else needs more rights.',
  },
  DATABASE_INSECURE: {
    status: 500,
    exit: 'failure',
    meaning:
      "The database would give the application's role more rights than least privilege allows (it could create objects in the schema, or act as a superuser or the owner), which would let it bypass the audit trail. Nothing was changed.",
    action:
      'Run, as a superuser, the statement the message names (docs/store.md, "Roles"), then start again.',
  },
  AUDIT_APPEND_ONLY: {
    status: 403,
    exit: 'failure',
    meaning:
      'An update, deletion or truncation of the audit trail or of an electronic signature, or a truncation of a clinical table, was refused by the database: the audit trail and the signatures are append-only.',
    action:
      'Change clinical data through jia-trial, which records each change; the trail and the signatures themselves are never edited (a change to a signed record breaks its signature, which is then signed again).',
  },
  AUDIT_TRAIL_BROKEN: {
    status: 500,
    exit: 'failure',
    meaning:
      'The audit trail does not verify: an event or block was altered, removed or added, or a clinical row differs from what its trail says. The issues name the first broken link first.',
    action:
      'Stop data entry, keep the database as it is and investigate with the issues listed; restore from a verified backup if needed (docs/audit-trail.md).',
  },
  BACKUP_INVALID: {
    status: 422,
    exit: 'failure',
    meaning:
      'A folder given as a backup is not one, is of an unknown format, is damaged or altered (a file does not match its manifest), or its audit trail does not verify. Nothing was restored.',
    action: 'Restore from another backup, or check that the folder was copied completely.',
  },
  TARGET_EXISTS: {
    status: 409,
    exit: 'failure',
    meaning:
      'The output would replace something that must not be replaced (a backup is written to a new folder).',
    action: 'Name a new folder.',
  },
  DATABASE_NOT_EMPTY: {
    status: 409,
    exit: 'failure',
    meaning: 'A restore was asked into a database that already holds data.',
    action: 'Restore into a new data directory (`JIA_DATA_DIR`) or a new, empty database.',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    exit: 'failure',
    meaning:
      'The database could not be opened: the embedded PostgreSQL could not be set up or started, or the server at `DATABASE_URL` could not be reached.',
    action:
      'Read the message (it names the directory or server and the reason); docs/store.md describes the embedded server and its data directory.',
  },
  SCHEMA_MISMATCH: {
    status: 500,
    exit: 'failure',
    meaning:
      "The database's schema does not match this version of jia-trial: it was made by a newer version, or a migration applied to it differs from this version's copy.",
    action: 'Use the jia-trial version that made the database, or restore a backup into a new one.',
  },
  ACTOR_REQUIRED: {
    status: 500,
    exit: 'internal',
    meaning:
      'A change to audited data reached the database without naming who made it: something wrote around the store.',
    action: 'Report it: every change goes through the store, which names its actor.',
  },
  ROW_IDENTITY_IMMUTABLE: {
    status: 500,
    exit: 'internal',
    meaning: "An update tried to change a record's row_id, its identity in the audit trail.",
    action: 'Report it: no jia-trial statement changes a row_id.',
  },
  UNAUTHENTICATED: {
    status: 401,
    exit: 'failure',
    meaning:
      'The request needs a signed-in user and has no valid session: never signed in, signed out, or the session expired (idle or absolute limit).',
    action: 'Sign in again (`POST /api/v1/session`).',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    exit: 'failure',
    meaning:
      'The username and password do not match an active account. An unknown user, a disabled account and a wrong password give this same answer, in the same time.',
    action:
      'Check the username and password. After repeated failures further attempts wait (TOO_MANY_ATTEMPTS; docs/server.md, "Accounts and sessions").',
  },
  TOO_MANY_ATTEMPTS: {
    status: 429,
    exit: 'failure',
    meaning:
      'Too many failed sign-ins for this user or from this address in a short time. The attempt was not checked.',
    action:
      'Wait the number of seconds the Retry-After header (and `details.retryAfterSeconds`) gives, then try again.',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    exit: 'failure',
    meaning:
      'The account signed in with a one-time password (a new account or a reset) and must choose its own password before anything else.',
    action: 'Change the password (`PUT /api/v1/session/password`), then repeat the request.',
  },
  ACCOUNT_EXPIRED: {
    status: 403,
    exit: 'failure',
    meaning:
      'The password was right, but the account was valid only until a day now past (its `validUntil`, UTC; `details.validUntil`). Its sessions have ended.',
    action:
      "Ask an administrator to extend the account (`PUT .../users/{username}/validity`, or the study's Access page) if you still need it.",
  },
  ROLE_EXPIRED: {
    status: 403,
    exit: 'failure',
    meaning:
      'Every role you held in the study is past its last day (`details.expired` lists them): they no longer give access.',
    action:
      'Ask an administrator of the study to extend the role (`PUT .../users/{username}/roles`) if you still need it.',
  },
  ONE_TIME_CODE_REQUIRED: {
    status: 401,
    exit: 'failure',
    meaning:
      'The password was right, and the account signs in with a second factor: the 6-digit code of its authenticator app (TOTP, RFC 6238) is needed too. No session was opened.',
    action: 'Send the sign-in again with `oneTimeCode`, the code the app shows now.',
  },
  ONE_TIME_CODE_INVALID: {
    status: 401,
    exit: 'failure',
    meaning:
      'The code is not the one the authenticator app shows for this account now (give or take 30 seconds), or it was used already (a code is good once). A wrong code at sign-in counts as a failed sign-in.',
    action:
      "Wait for the next code and enter it; check that the device's clock is right. A lost device: an administrator resets the second factor.",
  },
  SECOND_FACTOR_ENROLMENT_REQUIRED: {
    status: 403,
    exit: 'failure',
    meaning:
      'A role you hold is one the study requires a second factor for, and your account has none yet: nothing else is answered until you enrol one.',
    action:
      'Enrol an authenticator app: `POST /api/v1/session/second-factor` (with your password), then `PUT` it with the first code. The browser leads you through it.',
  },
  CSRF_TOKEN_INVALID: {
    status: 403,
    exit: 'failure',
    meaning:
      "A request that changes something did not carry the session's CSRF token in the X-CSRF-Token header, or carried another one. Nothing was changed.",
    action:
      'Send the `csrfToken` returned at sign-in (and by `GET /api/v1/session`) in the X-CSRF-Token header of every POST, PUT, PATCH and DELETE.',
  },
  FORBIDDEN: {
    status: 403,
    exit: 'failure',
    meaning:
      "The signed-in user's roles in this study do not allow this (docs/roles.md). Nothing was changed.",
    action: 'Ask the study administrator for the role that allows it.',
  },
  PRECONDITION_REQUIRED: {
    status: 428,
    exit: 'failure',
    meaning:
      'A change to an existing record must name the version it was based on (the If-Match header), so that it cannot overwrite an edit it has not seen. Nothing was changed.',
    action: 'Read the record, then send its `version` in If-Match with the change.',
  },
  MALFORMED_REQUEST: {
    status: 400,
    exit: 'failure',
    meaning:
      'The request could not be read: its body is not valid JSON, or a header or path parameter is malformed.',
    action: 'Send a JSON body (Content-Type: application/json) and check the parameters.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    exit: 'failure',
    meaning: 'The request body is larger than the server accepts (docs/server.md, "Limits").',
    action: 'Send less in one request.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    exit: 'failure',
    meaning: 'The path exists, but not with this HTTP method.',
    action: 'See the API document (`GET /api/v1/openapi.json`) for the methods of the path.',
  },
  INTERRUPTED: {
    status: 503,
    exit: 'failure',
    meaning:
      'The command was stopped by a signal (Ctrl-C: SIGINT, or SIGTERM) before it finished. The statement running in the database was cancelled, its transaction rolled back, and an embedded server that the command started was stopped.',
    action:
      'Run the command again when you want it to finish. A second Ctrl-C ends the command at once, leaving the embedded server running (the next command adopts it).',
  },
  INTERNAL_ERROR: {
    status: 500,
    exit: 'internal',
    meaning:
      'An unexpected fault of jia-trial or of the machine (a bug, a full disk). The message says what failed; `--debug` prints the stack trace.',
    action: 'Report it with the command, the message and, if you can, the output of `--debug`.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The process exit code of each class. */
export const EXIT_CODES: Readonly<Record<ExitClass, number>> = {
  failure: 1,
  usage: 2,
  internal: 70,
};

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
