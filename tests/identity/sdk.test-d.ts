/**
 * Type-level tests of the identity SDK surface, checked by `tsc -p .` (npm run typecheck): the calls a
 * user should not be able to write do not compile.
 */
import { createClient, type Device, type PlatformRole, type Profile } from '../../src/sdk/index.ts';

const kit = createClient('http://127.0.0.1:54321', 'sb_publishable_example');

export async function typeChecks(): Promise<void> {
  // the role is not a profile field a user can update
  // @ts-expect-error role is not updatable through profiles
  await kit.profiles.updateMe({ role: 'admin' });
  // @ts-expect-error email changes go through Auth
  await kit.profiles.updateMe({ email: 'x@example.com' });

  // only the three platform roles exist
  // @ts-expect-error 'owner' is an account role, not a platform role
  await kit.admin.users.setRole('id', { role: 'owner' });
  const role: PlatformRole = 'tool_creator';
  await kit.admin.users.setRole('id', { role: role });

  // registration needs the confirmation and names
  // @ts-expect-error password_confirmation is required
  await kit.auth.registerClient({ email: 'a@example.com', password: 'x', first_name: 'A', last_name: 'B' });

  // results are typed
  const { data: me } = await kit.profiles.me();
  const prefs: boolean | undefined = me?.notification_preferences.marketing;
  const devices: Device[] | undefined = (await kit.auth.devices.list()).data?.items;
  const profile: Profile | null = (await kit.admin.users.setRole('id', { role: 'client' })).data;
  void prefs;
  void devices;
  void profile;

  // list filters are checked
  // @ts-expect-error per_page is a number
  await kit.admin.users.list({ per_page: '10' });
}
