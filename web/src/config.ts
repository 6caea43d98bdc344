/** The runtime configuration: which stack to talk to, fetched from `/config.json` before the first render. */
export interface AppConfig {
  apiUrl: string;
  publishableKey: string;
  /** The stack runs the local fake Stripe: the checkout is simulated (`/__fake-stripe`). */
  fakeStripe: boolean;
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return (await response.json()) as AppConfig;
}
