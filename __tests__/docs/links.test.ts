import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pages, root } from './pages';

/** The lines of a page outside its code blocks. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

/** GitHub's anchors of a page's headings: lower case, punctuation gone, spaces as hyphens. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(readFileSync(path.join(root, file), 'utf8'))) {
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading === null) continue;
    const slug = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every relative link of a page: its target file (from the repository's root) and anchor. */
function links(file: string): Array<{ target: string; anchor: string | undefined }> {
  const found = [];
  for (const line of prose(readFileSync(path.join(root, file), 'utf8'))) {
    for (const [, href] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (href === undefined || /^[a-z]+:/.test(href)) continue;
      const [target = '', anchor] = href.split('#');
      found.push({
        target: target === '' ? file : path.join(path.dirname(file), target),
        anchor,
      });
    }
  }
  return found;
}

test.each(pages)('every relative link of %s leads to a file and a heading that exist', (page) => {
  const broken = links(page).filter(
    ({ target, anchor }) =>
      !existsSync(path.join(root, target)) ||
      (anchor !== undefined && target.endsWith('.md') && !anchors(target).has(anchor)),
  );
  expect(broken).toEqual([]);
});

test('the check finds a link to a heading that does not exist', () => {
  expect(anchors('docs/operations.md').has('deploys-and-shutdowns')).toBe(true);
  expect(anchors('docs/operations.md').has('no-such-heading')).toBe(false);
  expect(anchors('README.md').has('errors-and-status-codes')).toBe(true);
});

test.each(pages.filter((page) => page.startsWith('docs/')))(
  '%s is linked from the README or CONTRIBUTING.md',
  (page) => {
    const from = ['README.md', 'CONTRIBUTING.md'].flatMap((file) =>
      links(file).map(({ target }) => target),
    );
    expect(from).toContain(page);
  },
);
