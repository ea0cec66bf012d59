-- Accounts and sessions for the trial server (docs/server.md, "Accounts and sessions").
--
-- The server keeps nothing that matters in its memory: a session is a row here, so that any of
-- several servers on this database serves it (DESIGN: stateless servers behind one PostgreSQL).

-- Sign-in state lives beside the password hash, apart from app_user, so that none of it enters
-- the audit trail's values (a failed sign-in is not a change of clinical data; it is logged in
-- sign_in_attempt below).
ALTER TABLE user_credential
  -- Set for a one-time password (a new account, a reset): the user must choose a new one first.
  ADD COLUMN must_change boolean NOT NULL DEFAULT false,
  -- A one-time password is good until then (accounts.ts: 72 hours), so that one printed once
  -- and forgotten in a log or a mailbox does not open the account for ever.
  ADD COLUMN must_change_by timestamptz,
  -- Failed sign-ins since the last success; the account locks at a documented number.
  ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  ADD COLUMN locked_at timestamptz;

-- A session: the cookie holds a random token, the table only its SHA-256, so that a copy of
-- the table (a backup, a read-only leak) opens no session. The CSRF token is the session's
-- own (a request that changes state must send it back in a header).
CREATE TABLE user_session (
  token_hash    bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  user_id       bigint NOT NULL REFERENCES app_user,
  csrf_token    text NOT NULL CHECK (length(csrf_token) >= 32),
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  -- The absolute end; the idle end is last_seen_at plus the idle timeout, checked on each use.
  expires_at    timestamptz NOT NULL,
  address       text
);
CREATE INDEX user_session_user ON user_session (user_id);

-- Every sign-in attempt: the security log, and what throttling counts (failures per user and
-- per address over a recent window). The username is stored as typed (it may name no account).
CREATE TABLE sign_in_attempt (
  attempt_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  username    text NOT NULL,
  address     text NOT NULL,
  outcome     text NOT NULL CHECK (outcome IN ('success', 'invalid', 'locked', 'throttled', 'disabled', 'expired'))
);
CREATE INDEX sign_in_attempt_username ON sign_in_attempt (username, at);
CREATE INDEX sign_in_attempt_address ON sign_in_attempt (address, at);

-- The protocol a study runs under (a protocol id of @jia-trial/protocols, e.g. msc-jia), so that
-- the server evaluates its subjects without being told. NULL: not set yet (a study imported
-- from a bundle); the API then asks for the protocol by name.
ALTER TABLE study ADD COLUMN protocol_id text CHECK (protocol_id ~ '^[a-z0-9][a-z0-9-]{0,63}$');
