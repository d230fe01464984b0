import { execFile } from 'node:child_process';
import path from 'node:path';

const CLI = [
  '--require',
  path.join(__dirname, 'register-ts.cjs'),
  path.join(__dirname, '../../lib/cli/main.ts'),
];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `violet-webhooks` from the sources in a child process, with no secret in its environment unless given. */
export function cli(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; preload?: string } = {},
): Promise<Run> {
  const preload = options.preload === undefined ? [] : ['--require', options.preload];
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...preload, ...CLI, ...args],
      {
        env: {
          ...process.env,
          VIOLET_APP_SECRET: '',
          VIOLET_APP_ID: '',
          VIOLET_USERNAME: '',
          VIOLET_PASSWORD: '',
          VIOLET_API_URL: '',
          ...options.env,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.input ?? '');
  });
}
