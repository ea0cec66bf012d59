/**
 * The application shell: who is signed in decides the page (sign-in, the forced password
 * change, then the study pages), and the location's hash decides which study page (routes.ts).
 */
import { Suspense, use, useCallback, useEffect, useState } from 'react';
import { api, rememberSession, type SessionBody } from './api/client';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import {
  prefetchPages,
  qualityPageModule,
  reportPageModule,
  subjectPageModule,
  visitEntryModule,
} from './page-modules';
import { ChangePassword } from './pages/ChangePassword';
import { SignIn } from './pages/SignIn';
import { StudyList } from './pages/StudyList';
import { StudyPage } from './pages/StudyPage';
import { type Route, routeOf } from './routes';

type SessionState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'signed_out' }
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

  if (state.kind === 'loading') return <p className="loading">Loading…</p>;
  if (state.kind === 'signed_out') return <SignIn onSignedIn={signedIn} />;
  const { session } = state;
  return (
    <>
      <header className="bar">
        <a className="brand" href="#/">
          jia-trial
        </a>
        <span className="who">
          Signed in as <strong>{session.user.displayName}</strong>
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        {session.user.mustChangePassword ? (
          <ChangePassword onChanged={signedIn} />
        ) : (
          <PageErrorBoundary key={hash}>
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
      return <StudyList />;
    case 'study':
      return <StudyPage studyId={route.studyId} />;
    case 'report': {
      const { ReportPage } = use(reportPageModule());
      return <ReportPage studyId={route.studyId} />;
    }
    case 'quality': {
      const { QualityPage } = use(qualityPageModule());
      return <QualityPage studyId={route.studyId} />;
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
