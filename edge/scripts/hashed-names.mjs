// Makes edge/test/vectors/hashed-names.json from RealProjectsTest's list of published files
// (functions/local/target/real-projects-files.txt: "project path" per line). Labels come from each
// framework's documented output naming, never from the rule under test:
//   Vite, VitePress, Docusaurus, Astro and the like: everything their build writes under assets/ or _astro/
//   (a folder public/ does not also have), Next.js _next/static/, SvelteKit _app/immutable/, Angular's
//   esbuild names (main-XXXXXXXX.js).
// Usage: node edge/scripts/hashed-names.mjs functions/local/target/real-projects-files.txt TEMPLATES_DIR
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const [list, templates] = process.argv.slice(2);
const projects = {};
for (const line of readFileSync(list, 'utf8').split('\n').filter(Boolean)) {
  const [project, full] = line.split(' ');
  const path = full.split('/').slice(1).join('/'); // without the deployment id
  const fromPublic = templates && ['public', 'static', 'docs/public'].some((d) => existsSync(`${templates}/${project}/${d}/${path}`));
  const hashed = !fromPublic && !/\.html?$/.test(path) && (
    /^(assets|_astro)\//.test(path) || /^_next\/static\//.test(path) || /^_app\/immutable\//.test(path)
    || /^(main|polyfills|styles|scripts|chunk)-[A-Z2-7]{8}\.(js|css)$/.test(path));
  const entry = (projects[project] ??= { hashed: new Set(), unhashed: new Set() });
  entry[hashed ? 'hashed' : 'unhashed'].add(path);
}
const out = { _doc: 'Files real builds published (RealProjectsTest), labelled by their framework\'s naming; see edge/scripts/hashed-names.mjs.', projects: {} };
for (const [p, e] of Object.entries(projects)) out.projects[p] = { hashed: [...e.hashed].sort(), unhashed: [...e.unhashed].sort() };
writeFileSync(new URL('../test/vectors/hashed-names.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
