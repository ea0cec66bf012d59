/**
 * The application shell: who is signed in decides the page (sign-in, the forced password
 * change, then the study pages), and the location's hash decides which study page (routes.ts).
 */
import { Suspense, use, useCallback, useEffect, useState } from 'react';
import { api, rememberSession, type SessionBody } from './api/client';
import { EnrolSecondFactor } from './components/EnrolSecondFactor';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { SessionTimeout } from './components/SessionTimeout';
import {
  accessPageModule,
  auditPageModule,
  formStatusPageModule,
  prefetchPages,
  qualityPageModule,
  randomisationPageModule,
  reportPageModule,
  sdvPageModule,
  subjectPageModule,
  visitEntryModule,
} from './page-modules';
import { AccountPage } from './pages/AccountPage';
import { ChangePassword } from './pages/ChangePassword';
import { SignIn } from './pages/SignIn';
import { StudyList } from './pages/StudyList';
import { StudyPage } from './pages/StudyPage';
import { type Route, routeOf } from './routes';

type SessionState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signed_out'; readonly notice?: string }
  | {
      readonly kind: 'signed_in';
      readonly session: SessionBody;
    };

function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash);
  useEffect(() => {
    const changed = () => setHash(window.location.hash);
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const hash = useHash();

  const signedIn = useCallback((session: SessionBody) => {
    rememberSession(session);
    setState({ kind: 'signed_in', session });
  }, []);

  useEffect(prefetchPages, []);

  useEffect(() => {
    void api.GET('/api/v1/session').then(({ data }) => {
      if (data) signedIn(data);
      else setState({ kind: 'signed_out' });
    });
  }, [signedIn]);

  const signOut = async () => {
    await api.DELETE('/api/v1/session');
    rememberSession(null);
    window.location.hash = '';
    setState({ kind: 'signed_out' });
  };

  // The server ended the session unused: the page follows, and says why (the hash stays, so
  // that signing in again returns to the same page, where drafts are restored).
  const idleEnded = useCallback(() => {
    rememberSession(null);
    setState((current) =>
      current.kind === 'signed_in'
        ? {
            kind: 'signed_out',
            notice: `You were signed out after ${Math.round(current.session.settings.idleTimeoutSeconds / 60)} minute(s) without activity. Sign in to go on.`,
          }
        : current,
    );
  }, []);

  if (state.kind === 'loading') return <p className="loading">Loading…</p>;
  if (state.kind === 'signed_out')
    return <SignIn onSignedIn={signedIn} notice={state.notice ?? null} />;
  const { session } = state;
  return (
    <>
      <header className="bar">
        <a className="brand" href="#/">
          jia-trial
        </a>
        <span className="who">
          Signed in as <a href="#/account">{session.user.displayName}</a>
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <SessionTimeout session={session} onEnded={idleEnded} onSignOut={signOut} />
      <main>
        {session.user.mustChangePassword ? (
          <ChangePassword onChanged={signedIn} minLength={session.settings.passwordMinLength} />
        ) : session.user.mustEnrolSecondFactor ? (
          <EnrolSecondFactor forced onEnrolled={signedIn} />
        ) : routeOf(hash).page === 'account' ? (
          <AccountPage session={session} onSession={signedIn} />
        ) : (
          // A page is drawn anew on another path; a change of its own query (the audit trail's
          // filter) keeps it, and the focus on its form.
          <PageErrorBoundary key={hash.split('?')[0]}>
            <Suspense fallback={<p className="loading">Loading…</p>}>
              <Page route={routeOf(hash)} />
            </Suspense>
          </PageErrorBoundary>
        )}
      </main>
    </>
  );
}

function Page({ route }: { readonly route: Route }) {
  switch (route.page) {
    case 'studies':
    case 'account':
      return <StudyList />;
    case 'access': {
      const { AccessPage } = use(accessPageModule());
      return <AccessPage studyId={route.studyId} />;
    }
    case 'study':
      return <StudyPage studyId={route.studyId} />;
    case 'report': {
      const { ReportPage } = use(reportPageModule());
      return <ReportPage studyId={route.studyId} />;
    }
    case 'forms': {
      const { FormStatusPage } = use(formStatusPageModule());
      return <FormStatusPage studyId={route.studyId} />;
    }
    case 'sdv': {
      const { SdvPage } = use(sdvPageModule());
      return <SdvPage studyId={route.studyId} subjectId={route.subjectId} />;
    }
    case 'quality': {
      const { QualityPage } = use(qualityPageModule());
      return <QualityPage studyId={route.studyId} />;
    }
    case 'audit': {
      const { AuditPage } = use(auditPageModule());
      return <AuditPage studyId={route.studyId} query={route.query} />;
    }
    case 'randomisation': {
      const { RandomisationPage } = use(randomisationPageModule());
      return <RandomisationPage studyId={route.studyId} />;
    }
    case 'subject': {
      const { SubjectPage } = use(subjectPageModule());
      return <SubjectPage studyId={route.studyId} subjectId={route.subjectId} />;
    }
    case 'visit': {
      const { VisitEntry } = use(visitEntryModule());
      return (
        <VisitEntry studyId={route.studyId} subjectId={route.subjectId} visitId={route.visitId} />
      );
    }
  }
}
