/**
 * `#/studies/{studyId}/access`: the study's accounts and access (docs/data-management.md,
 * "Accounts and access"). For an administrator (`admin.manage`): the members with their roles
 * and last days, suspension, an account's or a role's last day, a second-factor reset, and the
 * roles that must use a second factor; every change asks for its reason. For whoever holds
 * `access.review` (administrator, data manager): the access review, and its CSV.
 */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { components } from '../api/schema.generated';
import { Field, Problem } from '../components/forms';
import { may, useStudyAccess } from '../components/review/use-study-access';
import { labelOf } from '../components/subject/format';
import { ColumnHeads } from '../components/table';

type Member = components['schemas']['StudyMember'];
type Review = components['schemas']['AccessReview'];
type Policy = components['schemas']['StudyAccessPolicy'];

const ROLES = [
  'admin',
  'investigator',
  'nurse',
  'data_manager',
  'monitor',
  'statistician',
  'dsmb',
] as const;

const roleText = (role: string, site: string | null) =>
  `${labelOf('role', role)}${site ? ` at ${site}` : ''}`;

export function AccessPage({ studyId }: { readonly studyId: string }) {
  const access = useStudyAccess(studyId);
  const manages = may(access, 'admin.manage', null);
  const reviews = may(access, 'access.review', null);
  const [members, setMembers] = useState<readonly Member[] | null>(null);
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(async () => {
    const p = { params: { path: { studyId } } };
    if (manages) {
      const [m, pol] = await Promise.all([
        api.GET('/api/v1/studies/{studyId}/users', p),
        api.GET('/api/v1/studies/{studyId}/access-policy', p),
      ]);
      if (m.data) setMembers(m.data.users);
      if (pol.data) setPolicy(pol.data);
      if (!m.data || !pol.data) setProblem(messageOf(m.error ?? pol.error));
    }
    if (reviews) {
      const r = await api.GET('/api/v1/studies/{studyId}/access-review', p);
      if (r.data) setReview(r.data);
      else setProblem(messageOf(r.error));
    }
  }, [studyId, manages, reviews]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="access-title">
      <p>
        <a href={`#/studies/${encodeURIComponent(studyId)}`}>← Study {studyId}</a>
      </p>
      <h1 id="access-title">Accounts and access</h1>
      <Problem text={problem} />
      {access !== null && !manages && !reviews && (
        <p>Your roles in this study do not manage or review access.</p>
      )}
      {manages && members && (
        <>
          <MemberTable members={members} />
          <AccountChange studyId={studyId} members={members} onDone={load} />
          <RoleValidity studyId={studyId} members={members} onDone={load} />
        </>
      )}
      {manages && policy && <SecondFactorRule studyId={studyId} policy={policy} onDone={load} />}
      {reviews && review && <ReviewTable review={review} studyId={studyId} />}
    </section>
  );
}

function MemberTable({ members }: { readonly members: readonly Member[] }) {
  return (
    <>
      <h2>Members</h2>
      <div className="scroll">
        <table>
          <caption className="visually-hidden">The study's accounts and their roles</caption>
          <ColumnHeads
            names={['Account', 'Roles (last day)', 'Account valid until', 'State', 'Second factor']}
          />
          <tbody>
            {members.map((m) => (
              <tr key={m.username}>
                <th scope="row">
                  {m.displayName} ({m.username})
                </th>
                <td>
                  {m.roles
                    .map(
                      (r) =>
                        `${roleText(r.role, r.site)}${r.validUntil ? ` (until ${r.validUntil})` : ''}`,
                    )
                    .join('; ')}
                </td>
                <td>{m.validUntil ?? 'no end'}</td>
                <td>
                  {[m.disabled ? 'suspended' : 'active', ...(m.locked ? ['locked'] : [])].join(
                    ', ',
                  )}
                </td>
                <td>{m.secondFactor === 'totp' ? 'authenticator app' : 'none'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

type AccountAction = 'suspend' | 'enable' | 'validity' | 'second-factor';

/** One change to one account, with its reason. */
function AccountChange({
  studyId,
  members,
  onDone,
}: {
  readonly studyId: string;
  readonly members: readonly Member[];
  readonly onDone: () => Promise<void>;
}) {
  const [username, setUsername] = useState(members[0]?.username ?? '');
  const [action, setAction] = useState<AccountAction>('suspend');
  const [validUntil, setValidUntil] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    const params = { params: { path: { studyId, username } } };
    const result =
      action === 'suspend'
        ? await api.POST('/api/v1/studies/{studyId}/users/{username}/suspension', {
            ...params,
            body: { reason },
          })
        : action === 'enable'
          ? await api.DELETE('/api/v1/studies/{studyId}/users/{username}/suspension', {
              ...params,
              body: { reason },
            })
          : action === 'validity'
            ? await api.PUT('/api/v1/studies/{studyId}/users/{username}/validity', {
                ...params,
                body: { validUntil: validUntil || null, reason },
              })
            : await api.DELETE('/api/v1/studies/{studyId}/users/{username}/second-factor', {
                ...params,
                body: { reason },
              });
    if (result.error) setProblem(messageOf(result.error));
    else {
      setDone(`Done: ${username}.`);
      setReason('');
      await onDone();
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="account-change-title">
      <h2 id="account-change-title">Change an account</h2>
      <label>
        Account
        <select value={username} onChange={(e) => setUsername(e.target.value)}>
          {members.map((m) => (
            <option key={m.username} value={m.username}>
              {m.displayName} ({m.username})
            </option>
          ))}
        </select>
      </label>
      <label>
        Change
        <select value={action} onChange={(e) => setAction(e.target.value as AccountAction)}>
          <option value="suspend">Suspend (cannot sign in; sessions end)</option>
          <option value="enable">Re-enable</option>
          <option value="validity">Set the account's last day</option>
          <option value="second-factor">Reset the second factor (lost device)</option>
        </select>
      </label>
      {action === 'validity' && (
        <Field
          label="Last day (YYYY-MM-DD, UTC; empty: no end)"
          value={validUntil}
          onValue={setValidUntil}
          required={false}
          pattern="\d{4}-\d{2}-\d{2}"
        />
      )}
      <Field label="Reason (kept in the audit trail)" value={reason} onValue={setReason} />
      <Problem text={problem} />
      {done && <p role="status">{done}</p>}
      <button type="submit">Apply</button>
    </form>
  );
}

/** A held role's last day, with its reason. */
function RoleValidity({
  studyId,
  members,
  onDone,
}: {
  readonly studyId: string;
  readonly members: readonly Member[];
  readonly onDone: () => Promise<void>;
}) {
  const grants = members.flatMap((m) =>
    m.roles.map((r) => ({ username: m.username, name: m.displayName, ...r })),
  );
  const [index, setIndex] = useState(0);
  const [validUntil, setValidUntil] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const grant = grants[index];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!grant) return;
    setProblem(null);
    const { error } = await api.PUT('/api/v1/studies/{studyId}/users/{username}/roles', {
      params: { path: { studyId, username: grant.username } },
      body: {
        role: grant.role as (typeof ROLES)[number],
        site: grant.site,
        validUntil: validUntil || null,
        reason,
      },
    });
    if (error) setProblem(messageOf(error));
    else {
      setReason('');
      await onDone();
    }
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="role-validity-title">
      <h2 id="role-validity-title">A role's last day</h2>
      <label>
        Role
        <select value={index} onChange={(e) => setIndex(Number(e.target.value))}>
          {grants.map((g, i) => (
            <option key={`${g.username}-${g.role}-${g.site}`} value={i}>
              {g.name}: {roleText(g.role, g.site)}
              {g.validUntil ? ` (until ${g.validUntil})` : ''}
            </option>
          ))}
        </select>
      </label>
      <Field
        label="Last day of the role (YYYY-MM-DD, UTC; empty: no end)"
        value={validUntil}
        onValue={setValidUntil}
        required={false}
        pattern="\d{4}-\d{2}-\d{2}"
      />
      <Field label="Reason for the role change" value={reason} onValue={setReason} />
      <Problem text={problem} />
      <button type="submit">Set the last day</button>
    </form>
  );
}

function SecondFactorRule({
  studyId,
  policy,
  onDone,
}: {
  readonly studyId: string;
  readonly policy: Policy;
  readonly onDone: () => Promise<void>;
}) {
  const [roles, setRoles] = useState<ReadonlySet<string>>(new Set(policy.secondFactorRoles));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const { error } = await api.PUT('/api/v1/studies/{studyId}/access-policy', {
      params: { path: { studyId } },
      body: { secondFactorRoles: [...roles] as (typeof ROLES)[number][], reason },
    });
    if (error) setProblem(messageOf(error));
    else {
      setReason('');
      await onDone();
    }
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="rule-title">
      <h2 id="rule-title">Roles that must use a second factor</h2>
      <fieldset>
        <legend>Holders of these roles enrol an authenticator app at their next sign-in</legend>
        {ROLES.map((role) => (
          <label key={role} className="inline">
            <input
              type="checkbox"
              checked={roles.has(role)}
              onChange={(e) => {
                const next = new Set(roles);
                if (e.target.checked) next.add(role);
                else next.delete(role);
                setRoles(next);
              }}
            />{' '}
            {labelOf('role', role)}
          </label>
        ))}
      </fieldset>
      <Field label="Reason for the rule" value={reason} onValue={setReason} />
      <Problem text={problem} />
      <button type="submit">Save the rule</button>
    </form>
  );
}

function ReviewTable({ review, studyId }: { readonly review: Review; readonly studyId: string }) {
  return (
    <section aria-labelledby="review-title">
      <h2 id="review-title">Access review</h2>
      <p>
        Every role grant of the study as of {review.generatedAt.slice(0, 16).replace('T', ' ')} UTC,
        with who granted it and when.{' '}
        <a
          href={`/api/v1/studies/${encodeURIComponent(studyId)}/access-review?format=csv`}
          download
        >
          Download as CSV
        </a>
      </p>
      <div className="scroll">
        <table>
          <caption className="visually-hidden">Access review</caption>
          <ColumnHeads
            names={[
              'Account',
              'Role',
              'Role valid until',
              'Granted by',
              'Granted at (UTC)',
              'Account state',
              'Second factor',
              'Last sign-in (UTC)',
            ]}
          />
          <tbody>
            {review.rows.map((r) => (
              <tr key={`${r.username}-${r.role}-${r.site}`}>
                <th scope="row">
                  {r.displayName} ({r.username})
                </th>
                <td>{roleText(r.role, r.site)}</td>
                <td>
                  {r.grantValidUntil ?? 'no end'}
                  {r.grantValid ? '' : ' (expired)'}
                </td>
                <td>{r.grantedBy ?? 'unknown'}</td>
                <td>{r.grantedAt?.replace('T', ' ').replace('Z', '') ?? '—'}</td>
                <td>
                  {r.accountStatus}
                  {r.locked ? ', locked' : ''}
                  {r.accountValidUntil ? ` (until ${r.accountValidUntil})` : ''}
                </td>
                <td>
                  {r.secondFactor === 'totp' ? 'yes' : 'no'}
                  {r.secondFactorMissing ? ' (required: missing)' : ''}
                </td>
                <td>{r.lastSignInAt?.replace('T', ' ').replace('Z', '') ?? 'never'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
