import { read } from './pages';

// The README is the newcomer's page: short, with the two commands of a clone on its first screen.
// Guides are pages of docs/, how to develop the package is CONTRIBUTING.md.
const readme = read('README.md');

test('the README is at most 15 KB', () => {
  expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(15 * 1024);
});

test('the README shows the demo and the tests in its first 40 lines', () => {
  const top = readme.split('\n').slice(0, 40).join('\n');
  expect(top).toContain('npm ci && npm run demo');
  expect(top).toContain('npm ci && npm test');
});
