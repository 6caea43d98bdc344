/** The platform admin console: one route per concern, a tab bar to move between them. */
import { Stack, Tabs } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { PageTitle } from '../../components/ui.tsx';

const Dashboard = lazy(() => import('./Dashboard.tsx'));
const Approvals = lazy(() => import('./Approvals.tsx'));
const Money = lazy(() => import('./Money.tsx'));
const Catalog = lazy(() => import('./Catalog.tsx'));
const Users = lazy(() => import('./Users.tsx'));
const Operations = lazy(() => import('./Operations.tsx'));
const Metrics = lazy(() => import('./Metrics.tsx'));
const Support = lazy(() => import('./Support.tsx'));
const SiteContent = lazy(() => import('./SiteContent.tsx'));

const SECTIONS = [
  ['dashboard', 'Dashboard'],
  ['approvals', 'Approvals'],
  ['money', 'Payouts, refunds, points'],
  ['catalog', 'Vouchers and packages'],
  ['users', 'Users'],
  ['support', 'Support'],
  ['content', 'Site content'],
  ['operations', 'Audit, jobs, Stripe'],
  ['metrics', 'Metrics'],
] as const;

export default function AdminPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const current = location.pathname.split('/')[2] ?? 'dashboard';
  return (
    <Stack>
      <PageTitle>Admin console</PageTitle>
      <Tabs value={current} onChange={(v) => v && navigate(`/admin/${v}`)} keepMounted={false}>
        <Tabs.List style={{ overflowX: 'auto', flexWrap: 'nowrap' }}>
          {SECTIONS.map(([value, label]) => (
            <Tabs.Tab key={value} value={value}>
              {label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value={current} pt="md">
          <Suspense fallback={null}>
            <Routes>
              <Route index element={<Navigate to="dashboard" replace />} />
              <Route path="dashboard" element={<Dashboard />} />
              <Route path="approvals" element={<Approvals />} />
              <Route path="money" element={<Money />} />
              <Route path="catalog" element={<Catalog />} />
              <Route path="users" element={<Users />} />
              <Route path="support" element={<Support />} />
              <Route path="content" element={<SiteContent />} />
              <Route path="operations" element={<Operations />} />
              <Route path="metrics" element={<Metrics />} />
            </Routes>
          </Suspense>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
