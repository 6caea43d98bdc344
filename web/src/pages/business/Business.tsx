/**
 * A business account: pick one of my accounts (the SDK keeps it as the current account for the CRM
 * and members calls), then one route per concern.
 */
import { Badge, Card, Center, Group, Loader, Select, Stack, Tabs, Text } from '@mantine/core';
import type { MyAccount, SdkError } from '@kit/sdk';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { accounts } from '../../api/business.ts';
import { RegisterBusiness } from './RegisterBusiness.tsx';
import { ErrorLine, PageTitle } from '../../components/ui.tsx';
import { useKit } from '../../lib/kit.tsx';

const Clients = lazy(() => import('./Clients.tsx'));
const Packages = lazy(() => import('./Packages.tsx'));
const Payments = lazy(() => import('./Payments.tsx'));
const Statistics = lazy(() => import('./Statistics.tsx'));
const Members = lazy(() => import('./Members.tsx'));

const SECTIONS = [
  ['clients', 'Clients'],
  ['packages', 'Packages'],
  ['payments', 'Payments'],
  ['statistics', 'Statistics'],
  ['members', 'Members and batches'],
] as const;

export default function BusinessPage() {
  const kit = useKit();
  const location = useLocation();
  const navigate = useNavigate();
  const [mine, setMine] = useState<MyAccount[] | null>(null);
  const [current, setCurrent] = useState<MyAccount | null>(kit.accounts.currentAccount);
  const [error, setError] = useState<SdkError | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    void accounts.mine(kit).then(async (result) => {
      setError(result.error);
      const usable = (result.data?.items ?? []).filter((a) => a.usable);
      setMine(result.data?.items ?? []);
      if (!kit.accounts.currentAccount && usable[0]) {
        const chosen = await accounts.use(kit, usable[0].account_id);
        setError(chosen.error);
        setCurrent(chosen.data);
      }
    });
  }, [kit, version]);
  const choose = async (id: string | null) => {
    if (!id) return;
    const chosen = await accounts.use(kit, id);
    setError(chosen.error);
    setCurrent(chosen.data);
  };
  const section = location.pathname.split('/')[2] ?? 'clients';
  if (!mine)
    return (
      <Center p="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  return (
    <Stack>
      <PageTitle>Business</PageTitle>
      <ErrorLine error={error} />
      {mine.length === 0 ? (
        <Card withBorder>
          <Text>You are not a member of any business account.</Text>
        </Card>
      ) : (
        <Group>
          <Select
            label="Business account"
            data={mine.map((a) => ({ value: a.account_id, label: a.name, disabled: !a.usable }))}
            value={current?.account_id ?? null}
            onChange={(v) => void choose(v)}
            allowDeselect={false}
          />
          {current && (
            <Badge variant="light" mt={24}>
              {current.role}
            </Badge>
          )}
        </Group>
      )}
      {current && (
        <Tabs value={section} onChange={(v) => v && navigate(`/business/${v}`)} keepMounted={false}>
          <Tabs.List style={{ overflowX: 'auto', flexWrap: 'nowrap' }}>
            {SECTIONS.map(([value, label]) => (
              <Tabs.Tab key={value} value={value}>
                {label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          <Tabs.Panel value={section} pt="md">
            <Suspense fallback={null}>
              <Routes>
                <Route index element={<Navigate to="clients" replace />} />
                <Route path="clients" element={<Clients key={current.account_id} />} />
                <Route path="packages" element={<Packages key={current.account_id} />} />
                <Route path="payments" element={<Payments key={current.account_id} />} />
                <Route path="statistics" element={<Statistics key={current.account_id} />} />
                <Route path="members" element={<Members key={current.account_id} />} />
              </Routes>
            </Suspense>
          </Tabs.Panel>
        </Tabs>
      )}
      <RegisterBusiness onRegistered={() => setVersion((v) => v + 1)} />
    </Stack>
  );
}
