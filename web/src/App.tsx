/**
 * The routes. Every page is its own chunk (`lazy`), so the first page loads only the shell and itself.
 * `Guard` sends signed-out visitors to sign in and hides pages from roles that cannot use them.
 */
import { Center, Loader } from '@mantine/core';
import type { PlatformRole } from '@kit/sdk';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Shell } from './components/Shell.tsx';
import { useAuth } from './lib/kit.tsx';

const page = (load: () => Promise<{ default: React.ComponentType }>) => lazy(load);

const Home = page(() => import('./pages/public/Home.tsx'));
const ToolsBrowse = page(() => import('./pages/public/Tools.tsx'));
const ToolDetail = page(() => import('./pages/public/ToolDetail.tsx'));
const ContentPage = page(() => import('./pages/public/Content.tsx'));
const SignIn = page(() => import('./pages/auth/SignIn.tsx'));
const SignUp = page(() => import('./pages/auth/SignUp.tsx'));
const Confirm = page(() => import('./pages/auth/Confirm.tsx'));
const ResetPassword = page(() => import('./pages/auth/ResetPassword.tsx'));
const Dashboard = page(() => import('./pages/client/Dashboard.tsx'));
const BuyPoints = page(() => import('./pages/client/BuyPoints.tsx'));
const Usages = page(() => import('./pages/client/Usages.tsx'));
const Vouchers = page(() => import('./pages/client/Vouchers.tsx'));
const Devices = page(() => import('./pages/client/Devices.tsx'));
const Profile = page(() => import('./pages/client/Profile.tsx'));
const Support = page(() => import('./pages/client/Support.tsx'));
const Plans = page(() => import('./pages/client/Plans.tsx'));
const CreatorTools = page(() => import('./pages/creator/Tools.tsx'));
const CreatorKeys = page(() => import('./pages/creator/ApiKeys.tsx'));
const CreatorRevenue = page(() => import('./pages/creator/Revenue.tsx'));
const Business = page(() => import('./pages/business/Business.tsx'));
const Admin = page(() => import('./pages/admin/Admin.tsx'));

function Guard({ roles, children }: { roles?: PlatformRole[]; children: ReactNode }) {
  const { session, role, loading } = useAuth();
  const location = useLocation();
  if (loading)
    return (
      <Center p="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (!session) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (roles && (!role || !roles.includes(role))) return <Navigate to="/" replace />;
  return <>{children}</>;
}

export function App() {
  return (
    <Shell>
      <Suspense
        fallback={
          <Center p="xl">
            <Loader aria-label="Loading" />
          </Center>
        }
      >
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/tools" element={<ToolsBrowse />} />
          <Route path="/tools/:id" element={<ToolDetail />} />
          <Route path="/pages/:slug" element={<ContentPage />} />
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="/sign-up" element={<SignUp />} />
          <Route path="/auth/confirm" element={<Confirm />} />
          <Route path="/reset-password" element={<ResetPassword />} />
          <Route
            path="/wallet"
            element={
              <Guard>
                <Dashboard />
              </Guard>
            }
          />
          <Route
            path="/wallet/buy"
            element={
              <Guard>
                <BuyPoints />
              </Guard>
            }
          />
          <Route
            path="/usages"
            element={
              <Guard>
                <Usages />
              </Guard>
            }
          />
          <Route
            path="/vouchers"
            element={
              <Guard>
                <Vouchers />
              </Guard>
            }
          />
          <Route
            path="/devices"
            element={
              <Guard>
                <Devices />
              </Guard>
            }
          />
          <Route
            path="/profile"
            element={
              <Guard>
                <Profile />
              </Guard>
            }
          />
          <Route
            path="/support"
            element={
              <Guard>
                <Support />
              </Guard>
            }
          />
          <Route
            path="/plans"
            element={
              <Guard>
                <Plans />
              </Guard>
            }
          />
          <Route
            path="/creator/tools"
            element={
              <Guard roles={['tool_creator', 'admin']}>
                <CreatorTools />
              </Guard>
            }
          />
          <Route
            path="/creator/keys"
            element={
              <Guard roles={['tool_creator', 'admin']}>
                <CreatorKeys />
              </Guard>
            }
          />
          <Route
            path="/creator/revenue"
            element={
              <Guard roles={['tool_creator', 'admin']}>
                <CreatorRevenue />
              </Guard>
            }
          />
          <Route
            path="/business/*"
            element={
              <Guard>
                <Business />
              </Guard>
            }
          />
          <Route
            path="/admin/*"
            element={
              <Guard roles={['admin']}>
                <Admin />
              </Guard>
            }
          />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </Suspense>
    </Shell>
  );
}
