/**
 * The application shell: who is signed in decides the page (sign-in, the forced password
 * change, then the study pages), and the location's hash decides which study page (routes.ts).
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, rememberSession, type SessionBody } from './api/client';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { ChangePassword } from './pages/ChangePassword';
import { SignIn } from './pages/SignIn';
import { StudyList } from './pages/StudyList';
import { StudyPage } from './pages/StudyPage';
import { type Route, routeOf } from './routes';

// Loaded when first opened: the dashboard, the first page, does not wait for the body map, the
// outcome library, the charts or the report (docs/performance.md, "The browser application").
const subjectPage = () => import('./pages/SubjectPage');
const visitEntry = () => import('./pages/VisitEntry');
const reportPage = () => import('./pages/ReportPage');
const SubjectPage = lazy(() => subjectPage().then((m) => ({ default: m.SubjectPage })));
const VisitEntry = lazy(() => visitEntry().then((m) => ({ default: m.VisitEntry })));
const ReportPage = lazy(() => reportPage().then((m) => ({ default: m.ReportPage })));

/** Fetches the other pages' code once the first page has drawn: opening them then waits for none. */
function prefetchPages(): void {
  setTimeout(() => {
    void subjectPage();
    void visitEntry();
    void reportPage();
  }, 300);
}

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
    case 'report':
      return <ReportPage studyId={route.studyId} />;
    case 'subject':
      return <SubjectPage studyId={route.studyId} subjectId={route.subjectId} />;
    case 'visit':
      return (
        <VisitEntry studyId={route.studyId} subjectId={route.subjectId} visitId={route.visitId} />
      );
  }
}
