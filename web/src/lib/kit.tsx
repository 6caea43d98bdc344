/**
 * The SDK client for the whole app, and the signed-in user (session + platform role) as React state.
 * Every SDK call goes through `useKit()`; pages never build their own client.
 */
import { createClient, type KitClient, type PlatformRole } from '@kit/sdk';
import type { Session } from '@supabase/supabase-js';
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AppConfig } from '../config.ts';

interface Auth {
  session: Session | null;
  role: PlatformRole | null;
  /** True until the stored session was read. */
  loading: boolean;
}

const KitContext = createContext<{ kit: KitClient; config: AppConfig; auth: Auth } | null>(null);

function roleOf(session: Session | null): PlatformRole | null {
  return (session?.user.app_metadata as { role?: PlatformRole } | undefined)?.role ?? null;
}

export function KitProvider({ config, children }: { config: AppConfig; children: ReactNode }) {
  const kit = useMemo(() => createClient(config.apiUrl, config.publishableKey), [config]);
  const [auth, setAuth] = useState<Auth>({ session: null, role: null, loading: true });
  useEffect(() => {
    const { data } = kit.auth.onAuthStateChange((_event, session) => {
      setAuth({ session, role: roleOf(session), loading: false });
    });
    void kit.supabase.auth.getSession().then(({ data: { session } }) => setAuth({ session, role: roleOf(session), loading: false }));
    return () => data.subscription.unsubscribe();
  }, [kit]);
  const value = useMemo(() => ({ kit, config, auth }), [kit, config, auth]);
  return <KitContext.Provider value={value}>{children}</KitContext.Provider>;
}

function useKitContext() {
  const value = useContext(KitContext);
  if (!value) throw new Error('useKit outside KitProvider');
  return value;
}

export const useKit = (): KitClient => useKitContext().kit;
export const useAuth = (): Auth => useKitContext().auth;
export const useAppConfig = (): AppConfig => useKitContext().config;
