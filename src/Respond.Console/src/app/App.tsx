import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useNavigate } from 'react-router';
import { configureApi, signInPath } from '../api/http';
import { Shell } from '../components/Shell';
import { ApprovalsPage } from '../pages/approvals/ApprovalsPage';
import { ComingSoon } from '../pages/comingsoon/ComingSoon';
import { IncidentPage } from '../pages/incident/IncidentPage';
import { QueuePage } from '../pages/incidents/QueuePage';
import { MetricsPage } from '../pages/metrics/MetricsPage';
import { RunbooksPage } from '../pages/runbooks/RunbooksPage';
import { NotFound } from '../pages/notfound/NotFound';
import { SignInPage } from '../pages/signin/SignInPage';
import { SourcesPage } from '../pages/sources/SourcesPage';
import { createQueryClient } from './queryClient';

export function App() {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <BrowserRouter>
        <UnauthorizedToSignIn />
        <Routes>
          <Route path="/sign-in" element={<SignInPage />} />
          <Route element={<Shell />}>
            <Route index element={<Navigate to="/incidents" replace />} />
            <Route path="/incidents" element={<QueuePage />} />
            <Route path="/incidents/:id" element={<IncidentPage />} />
            <Route path="/approvals" element={<ApprovalsPage />} />
            <Route path="/playbooks" element={<ComingSoon title="Playbooks" what="the playbook library" />} />
            <Route path="/playbooks/:id" element={<ComingSoon title="Playbook designer" what="the visual designer" />} />
            <Route path="/runbooks" element={<RunbooksPage />} />
            <Route path="/metrics" element={<MetricsPage />} />
            <Route path="/sources" element={<SourcesPage />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

/** An expired session (any 401) goes to sign-in through the router, remembering the page that was open. */
function UnauthorizedToSignIn() {
  const navigate = useNavigate();
  useEffect(() => {
    configureApi({
      onUnauthorized: () => {
        if (window.location.pathname === '/sign-in') return;
        navigate(signInPath(window.location.pathname + window.location.search), { replace: true });
      },
    });
  }, [navigate]);
  return null;
}
