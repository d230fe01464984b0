// Next.js for the runtime tests: an App Router app in a project with the package installed from
// its tarball, built with `next build` and served by `next start` on loopback.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { installed } from '../helpers/packed-project';
import { freePort } from '../helpers/ports';
import { startServer, type Started } from './start-server';

/** What a Next.js project installs beside the package (the versions of this repository's). */
export const nextDependencies = (names: readonly string[] = []): string[] =>
  ['next', 'react', 'react-dom', ...names].map(installed);

const nextEnv = (env: NodeJS.ProcessEnv) => ({ ...env, NEXT_TELEMETRY_DISABLED: '1' });

/** `next build` in `project`. */
export function buildNext(project: string, env: NodeJS.ProcessEnv = {}): void {
  execFileSync(path.join(project, 'node_modules/.bin/next'), ['build'], {
    cwd: project,
    env: { ...process.env, ...nextEnv(env) },
    stdio: 'ignore',
  });
}

/** `next build` in `project` when it is expected to fail: what it printed, or undefined if it built. */
export function failedNextBuild(project: string): string | undefined {
  try {
    execFileSync(path.join(project, 'node_modules/.bin/next'), ['build'], {
      cwd: project,
      env: { ...process.env, ...nextEnv({}) },
      stdio: 'pipe',
    });
    return undefined;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    return `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`;
  }
}

/** `next start` on a free loopback port; resolves once it says it is ready. */
export async function startNext(project: string, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const port = await freePort();
  return startServer(
    path.join(project, 'node_modules/.bin/next'),
    ['start', '-H', '127.0.0.1', '-p', String(port)],
    { cwd: project, env: nextEnv(env), origin: `http://127.0.0.1:${port}`, ready: /Ready/ },
  );
}
