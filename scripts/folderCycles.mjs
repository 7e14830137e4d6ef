// The layer check's folder rule: no two folders import each other, even when no module cycle
// exists (a imports b/x while b/y imports a/z). A folder is what the layer rules name: src/<name>
// (everything below it included), or a top-level folder (activities, workflows). Prints each
// cycle and exits 1 if there is one.
//   node scripts/folderCycles.mjs [--root DIR] PATH…    (default root: the working directory)
import { cruise } from 'dependency-cruiser';

const args = process.argv.slice(2);
let root = process.cwd();
if (args[0] === '--root') {
  root = args[1];
  args.splice(0, 2);
}
process.chdir(root);

/** The folder a module belongs to, at the level of the layer rules. */
const folderOf = (path) => {
  const parts = path.split('/');
  if (parts[0] === 'src' && parts.length > 2) return `src/${parts[1]}`;
  return parts.length > 1 ? parts[0] : path;
};

const result = await cruise(args.length ? args : ['src'], {
  tsPreCompilationDeps: true,
  doNotFollow: { path: 'node_modules' },
  enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
});
const edges = new Map();
for (const module of result.output.modules) {
  const from = folderOf(module.source);
  for (const dependency of module.dependencies) {
    if (dependency.coreModule || dependency.couldNotResolve || dependency.resolved.includes('node_modules')) continue;
    const to = folderOf(dependency.resolved);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} → ${dependency.resolved}`);
  }
}

// Folders that reach each other form a cycle: each group is reported once, with the imports that close it.
const reaches = (from, to, seen = new Set()) => {
  if (from === to) return true;
  seen.add(from);
  for (const next of edges.get(from)?.keys() ?? []) if (!seen.has(next) && reaches(next, to, seen)) return true;
  return false;
};
const reported = new Set();
const cycles = [];
for (const folder of [...edges.keys()].sort()) {
  if (reported.has(folder)) continue;
  const group = [...edges.keys()].filter((other) => other !== folder && reaches(folder, other) && reaches(other, folder));
  if (group.length === 0) continue;
  const members = [folder, ...group].sort();
  members.forEach((m) => reported.add(m));
  const imports = members.flatMap((from) =>
    [...(edges.get(from) ?? [])].filter(([to]) => members.includes(to)).map(([, example]) => example),
  );
  cycles.push(`${members.join(' ⇄ ')} (${imports.join('; ')})`);
}

const folders = new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])]);
if (cycles.length) {
  for (const cycle of cycles) process.stdout.write(`error no-folder-cycle: ${cycle}\n`);
  process.stdout.write(`x ${cycles.length} folder cycle(s) among ${folders.size} folders\n`);
  process.exit(1);
}
process.stdout.write(`✔ no folder cycles (${folders.size} folders, ${result.output.modules.length} modules)\n`);
