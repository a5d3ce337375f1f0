// The page loads ES modules straight from the web root, without a bundler, and a fresh clone has no
// node_modules: the @noble files ballot.js and voter.js need are vendored under vendor/@noble/, and index.html's
// import map sends "@noble/curves/…" and "@noble/hashes/…" there. This test proves the vendored copy
// is the published one: the installed packages are the versions package.json pins (npm checked
// their integrity against package-lock.json), the vendored files are exactly the modules
// ballot.js and voter.js reach (followed import by import) plus each package's LICENSE and package.json, and
// every one is byte-identical to the installed file. BASTION_WRITE_VENDOR=1 copies them anew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['@noble/curves', '@noble/hashes'];
const ENTRIES = [join(root, 'src', 'ballot.js'), join(root, 'src', 'voter.js')];
const EXTRA_FILES = ['LICENSE', 'package.json'];
const vendorDir = join(root, 'vendor');

/** The specifiers of a module's static imports and re-exports (top-level statements, as compiled). */
function importsOf(source) {
  const specifiers = [];
  for (const m of source.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm)) specifiers.push(m[1]);
  for (const m of source.matchAll(/^import\s*['"]([^'"]+)['"]/gm)) specifiers.push(m[1]);
  return specifiers;
}

/** A bare @noble specifier's file in node_modules, through the package's exports map. */
function resolveBare(specifier) {
  const pkg = PACKAGES.find((p) => specifier.startsWith(`${p}/`));
  assert.ok(pkg, `the page's modules import only ${PACKAGES.join(' and ')}, not ${specifier}`);
  const manifest = JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8'));
  const subpath = `./${specifier.slice(pkg.length + 1)}`;
  const target = manifest.exports?.[subpath];
  assert.equal(target, subpath, `${specifier}: the import map maps it straight to the file, so the exports map must too`);
  return { pkg, file: posix.normalize(subpath) };
}

/** Every @noble module ballot.js and voter.js reach: [{pkg, file}] with file relative to the package root. */
function reachedModules() {
  const seen = new Map();
  const pending = [];
  const ours = [...ENTRIES];
  for (const visited = new Set(); ours.length > 0;) { // the entries and the modules of ours they import
    const file = ours.pop();
    if (visited.has(file)) continue;
    visited.add(file);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) ours.push(join(dirname(file), specifier));
      else pending.push(resolveBare(specifier));
    }
  }
  while (pending.length > 0) {
    const module = pending.pop();
    const key = `${module.pkg}/${module.file}`;
    if (seen.has(key)) continue;
    seen.set(key, module);
    const source = readFileSync(join(root, 'node_modules', module.pkg, module.file), 'utf8');
    for (const specifier of importsOf(source)) {
      pending.push(specifier.startsWith('.')
        ? { pkg: module.pkg, file: posix.normalize(posix.join(posix.dirname(module.file), specifier)) }
        : resolveBare(specifier));
    }
  }
  return [...seen.keys()].sort();
}

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('the installed @noble packages are the versions package.json pins exactly', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  for (const pkg of PACKAGES) {
    const pinned = manifest.dependencies[pkg];
    assert.match(pinned, /^\d+\.\d+\.\d+$/, `${pkg} is pinned to one version`);
    const installed = JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
    assert.equal(installed, pinned, `${pkg}: run npm ci in bastion-js`);
  }
});

test('vendor/ holds exactly the published files ballot.js and voter.js need, byte for byte', () => {
  const wanted = [...reachedModules(), ...PACKAGES.flatMap((p) => EXTRA_FILES.map((f) => `${p}/${f}`))].sort();
  if (process.env.BASTION_WRITE_VENDOR === '1') {
    rmSync(join(vendorDir, '@noble'), { recursive: true, force: true });
    for (const file of wanted) {
      mkdirSync(dirname(join(vendorDir, file)), { recursive: true });
      writeFileSync(join(vendorDir, file), readFileSync(join(root, 'node_modules', file)));
    }
  }
  const vendored = filesUnder(join(vendorDir, '@noble')).map((f) => relative(vendorDir, f).split('\\').join('/')).sort();
  assert.deepEqual(vendored, wanted, 'vendor/@noble is out of date: rerun with BASTION_WRITE_VENDOR=1');
  for (const file of wanted) {
    assert.ok(readFileSync(join(vendorDir, file)).equals(readFileSync(join(root, 'node_modules', file))),
      `vendor/${file} differs from the published file`);
  }
  assert.ok(wanted.includes('@noble/curves/nist.js') && wanted.includes('@noble/hashes/sha2.js'));
});

test("index.html's import map sends @noble imports to the vendored copies", () => {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const block = html.match(/<script type="importmap">([\s\S]*?)<\/script>/);
  assert.ok(block, 'index.html has an import map');
  assert.ok(block.index < html.indexOf('<script type="module"'), 'the import map comes before any module script');
  const { imports } = JSON.parse(block[1]);
  assert.deepEqual(imports, { '@noble/curves/': './vendor/@noble/curves/', '@noble/hashes/': './vendor/@noble/hashes/' });
});
