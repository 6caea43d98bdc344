/**
 * Where e-mailed links land: `?token_hash=…&type=signup|magiclink|email|invite` is verified here
 * (recovery goes to /reset-password); a link that went through Auth's own `/verify` arrives with the
 * session in the URL, which supabase-js reads, and this page only moves on.
 */
import { Center, Loader, Paper } from '@mantine/core';
import type { SdkError } from '@kit/sdk';
import { useEffect, useRef, useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { verifyLink } from '../../api/auth.ts';
import { ErrorLine, PageTitle } from '../../components/ui.tsx';
import { useAuth, useKit } from '../../lib/kit.tsx';

export default function ConfirmPage() {
  const kit = useKit();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<SdkError | null>(null);
  const started = useRef(false);
  const { session } = useAuth();
  const tokenHash = params.get('token_hash') ?? params.get('token') ?? '';
  const type = (params.get('type') ?? 'signup') as 'signup' | 'magiclink' | 'email' | 'invite' | 'recovery';
  useEffect(() => {
    if (started.current || !tokenHash || type === 'recovery') return;
    started.current = true;
    void verifyLink(kit, tokenHash, type).then((result) => {
      if (result.error) setError(result.error);
      else navigate('/wallet', { replace: true });
    });
  }, [kit, navigate, tokenHash, type]);
  useEffect(() => {
    if (!tokenHash && session) navigate('/wallet', { replace: true });
  }, [navigate, session, tokenHash]);
  if (type === 'recovery') return <Navigate to={`/reset-password?token_hash=${encodeURIComponent(tokenHash)}`} replace />;
  return (
    <Paper maw={480} mx="auto" p="md" withBorder>
      <PageTitle>Confirming your e-mail</PageTitle>
      {error ? (
        <ErrorLine error={error} />
      ) : (
        <Center>
          <Loader aria-label="Confirming" />
        </Center>
      )}
    </Paper>
  );
}
