// The public surface, written down: one API report per entry point of package.json's `exports`,
// made by API Extractor from the built declarations (dist/, `npm run build`), checked in under
// api/ so that a change to what users import shows in review.
//
//   node scripts/api-report.mjs           rewrites api/<entry>.api.md (npm run api:update)
//   node scripts/api-report.mjs --check   fails when dist's surface differs from api/ (npm run check:api)
//
// Entry `.` is reported as api/index.api.md, `./redis` as api/redis.api.md, and so on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CompilerState, Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reportFolder = path.join(root, 'api');
const tempFolder = path.join(root, '.tmp', 'api');
const check = process.argv.includes('--check');
const packageJsonPath = path.join(root, 'package.json');
const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8'));

/** Every entry point with types: its report name and its built declaration file. */
const entries = Object.entries(packageJson.exports)
  .filter(([, target]) => typeof target === 'object' && typeof target.types === 'string')
  .map(([subpath, target]) => ({
    subpath,
    name: subpath === '.' ? 'index' : subpath.slice(2).replaceAll('/', '-'),
    types: path.join(root, target.types),
  }));

const missing = entries.filter((entry) => !existsSync(entry.types));
if (missing.length > 0) {
  console.error(
    `api-report: ${missing.map((e) => path.relative(root, e.types)).join(', ')} not found; run \`npm run build\` first`,
  );
  process.exit(1);
}

/**
 * The configuration of one entry point. A type that the entry's signatures use but the entry does
 * not export (ae-forgotten-export) is written into the report with its declaration, not an error:
 * users reach its members through the exported names, and its shape is part of the surface.
 */
function configFor(entry) {
  return ExtractorConfig.prepare({
    configObjectFullPath: undefined,
    packageJsonFullPath: packageJsonPath,
    packageJson,
    configObject: {
      projectFolder: root,
      mainEntryPointFilePath: entry.types,
      newlineKind: 'lf',
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2022'],
            module: 'node16',
            moduleResolution: 'node16',
            strict: true,
            esModuleInterop: true,
            skipLibCheck: true,
            types: ['node'],
          },
          files: entries.map((e) => e.types),
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: `${entry.name}.api.md`,
        reportFolder: tempFolder,
        reportTempFolder: tempFolder,
        includeForgottenExports: true,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'none', addToApiReportFile: true },
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
          'ae-wrong-input-file-type': { logLevel: 'error' },
        },
        tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
      },
    },
  });
}

const configs = entries.map((entry) => ({ entry, config: configFor(entry) }));
// One TypeScript program for every entry point: a few seconds in all instead of a few each.
const compilerState = CompilerState.create(configs[0].config, {
  additionalEntryPoints: entries.map((e) => e.types),
});

rmSync(tempFolder, { recursive: true, force: true });
let failed = false;
/** The report API Extractor makes of each entry point, by name. */
const raw = new Map();
for (const { entry, config } of configs) {
  const result = Extractor.invoke(config, {
    // API Extractor compares its report with itself here (reportFolder is its temp folder): the
    // report is finished below, then compared with api/ or written there.
    localBuild: false,
    compilerState,
    messageCallback(message) {
      // Its own notices (the TypeScript it bundles, the files it writes) are not news on every
      // run: what changed is said below, with what to do.
      if (message.messageId.startsWith('console-')) message.handled = true;
    },
  });
  if (result.errorCount > 0) failed = true;
  raw.set(entry.name, readFileSync(path.join(tempFolder, `${entry.name}.api.md`), 'utf8'));
}

const declaration =
  /^(export )?(declare )?(abstract )?(class|interface|type|function|const|let|var|enum|namespace) ([A-Za-z_$][\w$]*)/m;

/** A report's code: its blocks (imports, then one declaration each), as API Extractor writes them. */
function blocksOf(report) {
  const code = /```ts\n([\s\S]*?)\n```/.exec(report)[1];
  return code
    .split(/\n{2,}/)
    .map((block) => block.replace(/^\n+|\n+$/g, ''))
    .filter((block) => block !== '');
}

/** A declaration block without its warnings and `export`, to compare two reports' copies of it. */
function shapeOf(block) {
  return block
    .split('\n')
    .filter((line) => !/^\s*\/\/( Warning:.*)?$/.test(line))
    .join('\n')
    .replace(/^export /m, '');
}

// The main entry point's declarations, by name, with whether it exports them. Another entry
// point's report does not copy them (API Extractor writes the declaration of every type a
// signature uses, ae-forgotten-export): it imports the exported ones from the package and names
// the others as written in the main report, so that each shape is written down once, in its home.
const mainName = entries.find((e) => e.subpath === '.')?.name;
const mainShapes = new Map();
for (const block of mainName === undefined ? [] : blocksOf(raw.get(mainName))) {
  const match = declaration.exec(block);
  if (match !== null)
    mainShapes.set(match[5], { exported: match[1] !== undefined, shape: shapeOf(block) });
}

/** The report of one entry point, as checked in. */
function finish(entry, report) {
  const imported = [];
  const internal = [];
  let blocks = blocksOf(report).filter((block) => {
    const match = declaration.exec(block);
    if (entry.name === mainName || match === null || match[1] !== undefined) return true;
    const main = mainShapes.get(match[5]);
    if (main === undefined || main.shape !== shapeOf(block)) return true;
    (main.exported ? imported : internal).push(match[5]);
    return false;
  });
  const dropped = [...imported, ...internal];
  if (dropped.length > 0) {
    const warning = new RegExp(
      `^.*\\(ae-forgotten-export\\) The symbol "(${dropped.join('|')})" needs to be exported.*\\n(\\s*//\\n)?`,
      'gm',
    );
    blocks = blocks
      .map((block) => `${block}\n`.replace(warning, '').replace(/\n$/, ''))
      .filter((block) => !/^(\/\/ Warnings were encountered during analysis:\n\/\/)?$/.test(block));
  }
  let code = blocks.join('\n\n');
  // Only the names this report's own declarations use.
  const used = (names) =>
    names
      .filter((name) => new RegExp(`\\b${name.replaceAll('$', '\\$')}\\b`).test(code))
      .sort((a, b) => a.localeCompare(b))
      .join(', ');
  const head = [];
  if (used(imported) !== '')
    head.push(`import type { ${used(imported)} } from '${packageJson.name}';`);
  if (used(internal) !== '') {
    head.push(`// Not exported; declared as in ${mainName}.api.md: ${used(internal)}`);
  }
  if (head.length > 0) code = `${head.join('\n')}\n\n${code}`;
  const title = path.posix.join(packageJson.name, entry.subpath);
  return report
    .replace(/^## API Report File for "[^"]*"/, `## API Report File for "${title}"`)
    .replace(
      /```ts\n[\s\S]*?\n```/,
      () => `\`\`\`ts\n\n${code.replace(/^\n+|\n+$/g, '')}\n\n\`\`\``,
    );
}

mkdirSync(reportFolder, { recursive: true });
const changed = [];
for (const { entry } of configs) {
  const file = `${entry.name}.api.md`;
  const report = finish(entry, raw.get(entry.name));
  writeFileSync(path.join(tempFolder, file), report);
  const current = path.join(reportFolder, file);
  if (existsSync(current) && readFileSync(current, 'utf8') === report) continue;
  changed.push(entry);
  if (!check) writeFileSync(current, report);
}

// Each name has one home: a name exported by two entry points is refused, whatever api/ says.
const homes = new Map();
for (const { entry } of configs) {
  for (const block of blocksOf(raw.get(entry.name))) {
    const match = declaration.exec(block);
    if (match?.[1] === undefined) continue;
    homes.set(match[5], [...(homes.get(match[5]) ?? []), entry.subpath]);
  }
}
for (const [name, subpaths] of homes) {
  if (new Set(subpaths).size < 2) continue;
  const where = [...new Set(subpaths)].map((s) => `'${path.posix.join(packageJson.name, s)}'`);
  console.error(
    `api-report: ${name} is exported by ${where.join(' and ')}; export it from one entry point only`,
  );
  failed = true;
}

const expected = new Set(entries.map((e) => `${e.name}.api.md`));
const stale = readdirSync(reportFolder).filter((f) => f.endsWith('.md') && !expected.has(f));

if (!check) {
  for (const f of stale) rmSync(path.join(reportFolder, f));
  for (const entry of changed) console.log(`api-report: api/${entry.name}.api.md updated`);
  if (changed.length === 0 && stale.length === 0) console.log('api-report: api/ was up to date');
  for (const f of stale) console.log(`api-report: api/${f} removed (no such entry point)`);
  process.exit(failed ? 1 : 0);
}

for (const entry of changed) {
  const file = `${entry.name}.api.md`;
  const before = path.join(reportFolder, file);
  const after = path.join(tempFolder, file);
  console.error(
    `\napi-report: the public surface of '${path.posix.join(packageJson.name, entry.subpath)}' differs from api/${file}:`,
  );
  const diff = existsSync(before)
    ? spawnSync('diff', ['-u', '--label', `api/${file}`, '--label', `dist (now)`, before, after], {
        encoding: 'utf8',
      }).stdout
    : '(no report checked in yet)\n';
  process.stderr.write(diff || `(compare api/${file} with .tmp/api/${file})\n`);
}
for (const f of stale) console.error(`api-report: api/${f} reports no entry point of package.json`);
if (changed.length > 0 || stale.length > 0) {
  console.error(
    '\napi-report: if the change is meant, run `npm run api:update` and commit api/ with it.',
  );
  process.exit(1);
}
if (failed) process.exit(1);
console.log(`api-report: ${entries.length} entry points match api/`);
