/** The frame of every page: a header with the user menu, a navigation by role, a skip link. */
import { Anchor, AppShell, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { useAuth, useKit } from '../lib/kit.tsx';

interface Item {
  to: string;
  label: string;
}

function navFor(role: string | null, signedIn: boolean): { title: string; items: Item[] }[] {
  const groups = [
    {
      title: 'Explore',
      items: [
        { to: '/', label: 'Home' },
        { to: '/tools', label: 'Tools' },
      ],
    },
  ];
  if (!signedIn) return groups;
  groups.push({
    title: 'My account',
    items: [
      { to: '/wallet', label: 'Wallet' },
      { to: '/usages', label: 'My tool uses' },
      { to: '/vouchers', label: 'Vouchers' },
      { to: '/plans', label: 'Plans' },
      { to: '/support', label: 'Support' },
      { to: '/devices', label: 'Devices' },
      { to: '/profile', label: 'Profile' },
      { to: '/business', label: 'Business' },
    ],
  });
  if (role === 'tool_creator' || role === 'admin') {
    groups.push({
      title: 'Creator',
      items: [
        { to: '/creator/tools', label: 'My tools' },
        { to: '/creator/keys', label: 'API keys' },
        { to: '/creator/revenue', label: 'Revenue and payouts' },
      ],
    });
  }
  if (role === 'admin') groups.push({ title: 'Admin', items: [{ to: '/admin', label: 'Admin console' }] });
  return groups;
}

export function Shell({ children }: { children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const { session, role } = useAuth();
  const kit = useKit();
  const navigate = useNavigate();
  const location = useLocation();
  const signOut = async () => {
    await kit.auth.signOut({ scope: 'local' });
    navigate('/');
  };
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a
        href="#main"
        className="skip-link"
        style={{ position: 'absolute', left: -9999 }}
        onFocus={(e) => (e.currentTarget.style.left = '8px')}
        onBlur={(e) => (e.currentTarget.style.left = '-9999px')}
      >
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Anchor component={Link} to="/" fw={700} c="dark" underline="never">
              Backend kit
            </Anchor>
          </Group>
          {session ? (
            <Group gap="xs" wrap="nowrap">
              <Text size="sm" visibleFrom="sm" data-testid="signed-in-as">
                {session.user.email}
              </Text>
              <Button variant="default" size="xs" onClick={() => void signOut()}>
                Sign out
              </Button>
            </Group>
          ) : (
            <Group gap="xs" wrap="nowrap">
              <Button component={Link} to="/sign-in" variant="default" size="xs">
                Sign in
              </Button>
              <Button component={Link} to="/sign-up" size="xs">
                Sign up
              </Button>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main" style={{ overflowY: 'auto' }}>
        <div>
          {navFor(role, Boolean(session)).map((group) => (
            <div key={group.title}>
              <Text size="xs" fw={700} c="dark.4" tt="uppercase" mt="sm" mb={4} px="sm">
                {group.title}
              </Text>
              {group.items.map((item) => (
                <NavLink
                  key={item.to}
                  component={Link}
                  to={item.to}
                  label={item.label}
                  active={item.to === '/' ? location.pathname === '/' : location.pathname.startsWith(item.to)}
                  aria-current={location.pathname === item.to ? 'page' : undefined}
                  onClick={close}
                />
              ))}
            </div>
          ))}
        </div>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
