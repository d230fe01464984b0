/** Stops the redis-server the global setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const pid = Number(process.env.VIOLET_TEST_REDIS_PID);
  if (pid > 0) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
