import { redisAnswers } from './redis-ping';

/** Looks for the shared Redis once; test files read the result from the environment. */
export default async function globalSetup(): Promise<void> {
  const url = process.env.VIOLET_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const { hostname, port } = new URL(url);
  if (await redisAnswers(hostname, Number(port || 6379))) process.env.VIOLET_TEST_REDIS_URL = url;
  else delete process.env.VIOLET_TEST_REDIS_URL;
}
