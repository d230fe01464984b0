import { VioletAdmin } from '../../../lib/admin';
import { FakeViolet, type FakeVioletOptions } from './server';

export { FakeViolet } from './server';
export type { FakeWebhook } from './server';
export { violetDate } from './deliveries';
export type { FakeDelivery } from './deliveries';

/** A started fake and a client logged in to it by its credentials. */
export async function fakeWithClient(options: FakeVioletOptions = {}, retries = 3) {
  const fake = await new FakeViolet(options).start();
  const { appId, appSecret, username, password } = fake.auth.credentials;
  const admin = new VioletAdmin({
    appId,
    appSecret,
    username,
    password,
    baseUrl: fake.url,
    retries,
  });
  return { fake, admin };
}

/** The environment the command line reads, pointing at the fake. */
export function cliEnv(fake: FakeViolet): Record<string, string> {
  const { appId, appSecret, username, password } = fake.auth.credentials;
  return {
    VIOLET_APP_ID: appId,
    VIOLET_APP_SECRET: appSecret,
    VIOLET_USERNAME: username,
    VIOLET_PASSWORD: password,
    VIOLET_API_URL: fake.url,
  };
}
