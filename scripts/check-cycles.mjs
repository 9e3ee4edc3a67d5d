#!/usr/bin/env node
// Fails when a module in packages/ (or services/) imports itself back through a chain of imports.
// Type-only imports count: a cycle through types still ties the modules' layers together.
// It reads the sources with the TypeScript compiler's own import scanner (typescript is already a
// dev dependency), and resolves a workspace package's subpath through its package.json exports
// back to src/, so it needs no build and no further tool.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const roots = process.argv.length > 2 ? process.argv.slice(2) : ['packages', 'services'];

/** Every .ts file under dir, skipping dist and node_modules. */
function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Workspace package name -> { dir, exports } for every package under packages/ and services/. */
const workspaces = new Map();
for (const group of ['packages', 'services']) {
  for (const name of readdirSync(join(root, group))) {
    const manifest = join(root, group, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
    workspaces.set(pkg.name, { dir: join(root, group, name), exports: pkg.exports ?? {} });
  }
}

/** The .ts source a specifier written as `./x.js` (or a directory) stands for. */
function tsSource(path) {
  const bare = path.replace(/\.(js|ts)$/, '');
  for (const candidate of [`${bare}.ts`, join(bare, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** A workspace package import -> its source file, through exports' dist path mapped to src. */
function workspaceSource(specifier) {
  const [scope, name, ...rest] = specifier.split('/');
  const pkg = workspaces.get(`${scope}/${name}`);
  if (pkg === undefined) return undefined;
  const subpath = rest.length === 0 ? '.' : `./${rest.join('/')}`;
  for (const [key, target] of Object.entries(pkg.exports)) {
    const file = typeof target === 'string' ? target : target.default;
    let mapped;
    if (key === subpath) mapped = file;
    else if (key.endsWith('/*') && subpath.startsWith(key.slice(0, -1))) {
      mapped = file.replace('*', subpath.slice(key.length - 1));
    }
    if (mapped !== undefined) {
      return tsSource(join(pkg.dir, mapped.replace(/^\.\/dist\//, './src/')));
    }
  }
  return undefined;
}

const graph = new Map();
const files = roots.flatMap((dir) => sources(resolve(root, dir)));
for (const file of files) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = new Set();
  for (const { fileName } of importedFiles) {
    const target = fileName.startsWith('.')
      ? tsSource(resolve(dirname(file), fileName))
      : workspaceSource(fileName);
    if (target !== undefined) targets.add(target);
  }
  graph.set(file, [...targets]);
}

// Tarjan's strongly connected components: every component of more than one module is a cycle
// (or a knot of them); a module importing itself is one too.
let index = 0;
const indexOf = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const knots = [];
function visit(start) {
  // Iterative, so a deep import chain cannot overflow the call stack.
  const work = [[start, 0]];
  indexOf.set(start, index);
  low.set(start, index++);
  stack.push(start);
  onStack.add(start);
  while (work.length > 0) {
    const frame = work[work.length - 1];
    const [node, i] = frame;
    const edges = graph.get(node) ?? [];
    if (i < edges.length) {
      frame[1] = i + 1;
      const next = edges[i];
      if (!indexOf.has(next)) {
        indexOf.set(next, index);
        low.set(next, index++);
        stack.push(next);
        onStack.add(next);
        work.push([next, 0]);
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), indexOf.get(next)));
      }
      continue;
    }
    work.pop();
    if (work.length > 0) {
      const parent = work[work.length - 1][0];
      low.set(parent, Math.min(low.get(parent), low.get(node)));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || edges.includes(node)) knots.push(component);
    }
  }
}
for (const file of graph.keys()) if (!indexOf.has(file)) visit(file);

/** One shortest cycle through the component's first module, to show what to cut. */
function oneCycle(component) {
  const members = new Set(component);
  const start = component.toSorted()[0];
  const previous = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const path = [node];
        while (previous.get(path[0]) !== undefined) path.unshift(previous.get(path[0]));
        return [...path, start];
      }
      if (members.has(next) && !previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start];
}

const show = (file) => relative(root, file);
if (knots.length === 0) {
  console.log(`check-cycles: no import cycle among ${graph.size} modules in ${roots.join(', ')}.`);
} else {
  for (const component of knots) {
    console.error(`Import cycle among ${component.length} module(s):`);
    console.error(`  ${oneCycle(component).map(show).join('\n    -> ')}`);
    if (component.length > 2) {
      console.error(`  all members: ${component.map(show).toSorted().join(', ')}`);
    }
  }
  console.error(`check-cycles: ${knots.length} import cycle(s) found.`);
  process.exit(1);
}
