/**
 * `GET /health`, `GET /settings` and `GET /.well-known/jwks.json`: answered from memory, no database.
 */
import type { AuthDeps } from '../context.ts';
import { json, type Handler } from '../http/router.ts';

/** The GoTrue release whose behaviour this server follows (what `/health` reports). */
export const GOTRUE_VERSION = 'v2.189.0';

/** `/health`: what the stack supervisor polls for readiness. */
export function healthHandler(): Handler {
  return () => Promise.resolve(json({ version: GOTRUE_VERSION, name: 'GoTrue', description: 'GoTrue is a user registration and authentication API' }));
}

const EXTERNAL_PROVIDERS = [
  'apple',
  'azure',
  'bitbucket',
  'discord',
  'facebook',
  'snapchat',
  'figma',
  'fly',
  'github',
  'gitlab',
  'google',
  'keycloak',
  'kakao',
  'linkedin',
  'linkedin_oidc',
  'notion',
  'spotify',
  'slack',
  'slack_oidc',
  'workos',
  'twitch',
  'twitter',
] as const;

/** `/settings`: which providers and behaviours are enabled. */
export function settingsHandler(deps: AuthDeps): Handler {
  const external: Record<string, boolean> = { anonymous_users: deps.config.anonymousSignIns };
  for (const name of EXTERNAL_PROVIDERS) external[name] = false;
  external.email = deps.config.emailProviderEnabled;
  external.phone = false;
  external.zoom = false;
  const body = {
    external,
    disable_signup: deps.config.disableSignup,
    mailer_autoconfirm: deps.config.mailerAutoconfirm,
    phone_autoconfirm: false,
    sms_provider: '',
    saml_enabled: false,
    saml_private_key_next_configured: false,
    passkeys_enabled: false,
  };
  return () => Promise.resolve(json(body));
}

/** `/.well-known/jwks.json`: public signing keys (none when signing with the HS256 secret). */
export function jwksHandler(deps: AuthDeps): Handler {
  return () => Promise.resolve(json(deps.keys.jwks, 200, { 'Cache-Control': 'public, max-age=600' }));
}
