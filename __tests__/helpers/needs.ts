/** Whether CI is set: there, a suite whose needs are missing fails instead of being skipped. */
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';

/**
 * `describe` when what the suite needs is `available`; in CI its absence fails the suite (with
 * `fix`, how CI gets it), elsewhere the suite is skipped with a visible notice.
 */
export function describeIfAvailable(
  name: string,
  available: boolean,
  what: string,
  fix: string,
  fn: () => void,
): void {
  if (available) return describe(name, fn);
  if (inCi) {
    return describe(name, () => {
      test(`needs ${what}`, () => {
        throw new Error(`${what} is required when CI is set; ${fix}`);
      });
    });
  }
  console.warn(
    `[express-violet-webhooks] skipping "${name}": ${what} is not available on this machine`,
  );
  return describe.skip(name, fn);
}
