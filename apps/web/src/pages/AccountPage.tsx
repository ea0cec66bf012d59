/**
 * `#/account`: the signed-in user's own account (docs/web.md, "Account"): change the password
 * at any time, and enrol an authenticator app as a second factor (or see that one is in use;
 * a lost device is reset by an administrator).
 */
import type { SessionBody } from '../api/client';
import { EnrolSecondFactor } from '../components/EnrolSecondFactor';
import { ChangePassword } from './ChangePassword';

export function AccountPage({
  session,
  onSession,
}: {
  readonly session: SessionBody;
  readonly onSession: (session: SessionBody) => void;
}) {
  return (
    <section aria-labelledby="account-title">
      <p>
        <a href="#/">← Your studies</a>
      </p>
      <h1 id="account-title">Your account</h1>
      <p>
        Signed in as <strong>{session.user.displayName}</strong> ({session.user.username}).{' '}
        {session.user.secondFactor === 'totp'
          ? 'You sign in with a code from your authenticator app as well. If you lose the device, an administrator resets it.'
          : 'You sign in with your password only.'}
      </p>
      {session.expiredRoles.length > 0 && (
        <p className="notice">
          Roles past their last day (they give nothing):{' '}
          {session.expiredRoles
            .map(
              (r) =>
                `${r.role}${r.site ? ` at ${r.site}` : ''} in ${r.studyId} (until ${r.validUntil})`,
            )
            .join('; ')}
          .
        </p>
      )}
      <ChangePassword
        forced={false}
        minLength={session.settings.passwordMinLength}
        onChanged={onSession}
      />
      {session.user.secondFactor === 'none' && <EnrolSecondFactor onEnrolled={onSession} />}
    </section>
  );
}
