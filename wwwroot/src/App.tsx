import { lazy, Suspense, useEffect } from 'react';
import { createBrowserRouter, createRoutesFromElements, Navigate, Outlet, Route, RouterProvider, useNavigate } from 'react-router';
import { onUnauthorized } from './api/client';
import { AuthProvider, useAuth } from './components/auth';
import { Layout } from './components/Layout';
import { DashboardPage } from './pages/dashboard/DashboardPage';
import { LoginPage } from './pages/login/LoginPage';
import { SetupPage } from './pages/setup/SetupPage';

// The editor (React Flow, Monaco) and run pages load on demand to keep the first paint small.
const EditorPage = lazy(() => import('./pages/editor/EditorPage'));
const RunsPage = lazy(() => import('./pages/runs/RunsPage'));
const RunPage = lazy(() => import('./pages/runs/RunPage'));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage'));
const MarketplacePage = lazy(() => import('./pages/marketplace/MarketplacePage'));
const ModulesPage = lazy(() => import('./pages/modules/ModulesPage'));

function UnauthorizedRedirect() {
  const nav = useNavigate();
  const { setMe } = useAuth();
  useEffect(() => {
    onUnauthorized(() => {
      setMe(null);
      if (!location.pathname.startsWith('/login') && !location.pathname.startsWith('/setup')) {
        nav(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
      }
    });
  }, [nav, setMe]);
  return null;
}

function Protected({ children }: { children: React.ReactNode }) {
  const { me, loading } = useAuth();
  if (loading) return <div className="center muted">Loading…</div>;
  if (!me) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <Layout>{children}</Layout>;
}

/** What every page shares; a layout route, so the editor can block in-app navigation (useBlocker needs a data router). */
function Root() {
  return (
    <AuthProvider>
      <UnauthorizedRedirect />
      <Suspense fallback={<div className="center muted">Loading…</div>}>
        <Outlet />
      </Suspense>
    </AuthProvider>
  );
}

const router = createBrowserRouter(createRoutesFromElements(
  <Route element={<Root />}>
    <Route path="/setup" element={<SetupPage />} />
    <Route path="/login" element={<LoginPage />} />
    <Route path="/dashboard" element={<Protected><DashboardPage /></Protected>} />
    <Route path="/flow/:id/runs" element={<Protected><RunsPage /></Protected>} />
    {/* One route for canvas, /yaml and /split so switching views keeps the editor state. */}
    <Route path="/flow/:id/*" element={<Protected><EditorPage /></Protected>} />
    <Route path="/runs/:runId" element={<Protected><RunPage /></Protected>} />
    <Route path="/marketplace" element={<Protected><MarketplacePage /></Protected>} />
    <Route path="/modules" element={<Protected><ModulesPage /></Protected>} />
    <Route path="/settings" element={<Protected><SettingsPage /></Protected>} />
    <Route path="*" element={<Navigate to="/dashboard" replace />} />
  </Route>,
));

export function App() {
  return <RouterProvider router={router} />;
}
