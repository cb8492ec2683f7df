import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REQUIRED_NODE_MAJOR } from '../../src/bootstrap/entrypoints/require-node.ts';

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');

/** One Node version, stated in four places that must agree: nvm, npm, the image and the guard. */
describe('the Node runtime pin', () => {
  const nvmrc = read('.nvmrc').trim();
  const major = Number(nvmrc.split('.')[0]);

  it('is a Node 24 LTS release', () => {
    expect(nvmrc).toMatch(/^24\.\d+\.\d+$/);
  });

  it('is what the entrypoints require and what package.json declares', () => {
    expect(REQUIRED_NODE_MAJOR).toBe(major);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines;
    expect(engines.node).toBe(`>=${major}`);
  });

  it('is the base of the Docker image', () => {
    expect(read('Dockerfile')).toContain(`ARG NODE_VERSION=${nvmrc}`);
  });
});
