-- The per-address sign-in throttle counts networks, not addresses (accounts/networks.ts): an
-- IPv6 client holds a whole /64 and may use any address of it. `address` stays as the client's
-- own, for the log; `network` is what the throttle counts. Attempts logged before this
-- migration count under their address (they leave the 15-minute window soon anyway).
ALTER TABLE sign_in_attempt ADD COLUMN network text;
UPDATE sign_in_attempt SET network = address;
ALTER TABLE sign_in_attempt ALTER COLUMN network SET NOT NULL;
DROP INDEX sign_in_attempt_address;
CREATE INDEX sign_in_attempt_network ON sign_in_attempt (network, at);
