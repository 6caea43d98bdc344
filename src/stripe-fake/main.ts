/** Runs the fake Stripe API as a stack service on `ports.stripe` (test stack, or STACK_FAKE_STRIPE=1). */
import { loadStackConfig } from '../stack/config.ts';
import { FakeStripe } from './server.ts';

const config = loadStackConfig(process.env.STACK_PROFILE === 'test' ? 'test' : 'dev');
const server = await new FakeStripe({ secretKey: config.fakeStripe.secretKey }).listen(config.ports.stripe);
console.log(`[stripe-fake] listening on 127.0.0.1:${config.ports.stripe}`);
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
