// Part of `npm run build`: copies every runtime file that tsc does not emit (the Lua scripts,
// the dashboard's HTML/CSS/JS) from src/ to the same place under dist/, so the build output
// runs with plain `node` and nothing else. TypeScript sources (migrations included) are tsc's.
import { cpSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const dist = join(root, 'dist');
const isTypeScript = (name: string) => name.endsWith('.ts');

let copied = 0;
for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || isTypeScript(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  cpSync(from, join(dist, relative(src, from)));
  copied += 1;
}
process.stdout.write(`build: ${copied} runtime assets copied to dist/\n`);
