import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

// The documentation's pages and their TypeScript blocks, for the tests that check them.
export const root = path.join(__dirname, '..', '..');

/** Every Markdown page users read, relative to the repository's root. */
export const pages: string[] = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

export function read(page: string): string {
  return readFileSync(path.join(root, page), 'utf8');
}

export interface CodeBlock {
  page: string;
  /** The page's line of the block's first line. */
  line: number;
  /** `app.ts` for a block that begins with `// app.ts`. */
  name: string | undefined;
  source: string;
}

/** The ```ts blocks of a page, in order. */
export function tsBlocks(page: string): CodeBlock[] {
  const text = read(page);
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => {
    const source = match[1] as string;
    return {
      page,
      line: text.slice(0, match.index).split('\n').length + 1,
      name: /^\/\/ ([\w.-]+\.ts)\n/.exec(source)?.[1],
      source,
    };
  });
}

/** The block that begins with `// name`, on whichever page holds it. */
export function namedBlock(name: string): CodeBlock {
  const found = pages.flatMap(tsBlocks).filter((block) => block.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one \`// ${name}\` block in the docs, found ${found.length}`);
  }
  return found[0] as CodeBlock;
}
