import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/util/projectRoot.ts';

/** The project's own documents: what a user who clones the project reads. */
const DOCUMENTS = [
  'README.md',
  'BENCHMARKS.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Relative link targets of a Markdown text (inline links and bare `path.md` mentions in backticks). */
function localReferences(markdown: string): string[] {
  const links = [...markdown.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)].map((match) => match[1]!);
  const mentions = [...markdown.matchAll(/`((?:\.\.\/)+[^`\s]+)`/g)].map((match) => match[1]!);
  return [...links, ...mentions].filter((target) => !/^[a-z]+:/i.test(target));
}

describe('the project documents itself', () => {
  it('every relative link in README, BENCHMARKS and docs/ names a file inside the project that exists', () => {
    for (const document of DOCUMENTS) {
      const text = readFileSync(join(PROJECT_ROOT, document), 'utf8');
      for (const target of localReferences(text)) {
        const path = resolve(dirname(join(PROJECT_ROOT, document)), target);
        assert.ok(!relative(PROJECT_ROOT, path).startsWith('..'), `${document} links ${target}, outside the project`);
        assert.ok(existsSync(path), `${document} links ${target}, which does not exist`);
      }
    }
  });

  it('the output contract and the model notes are in docs/', () => {
    assert.match(readFileSync(join(PROJECT_ROOT, 'docs/SCHEMA.md'), 'utf8'), /target_glucose_mgdl_\{h\}min|target_glucose_mgdl_30min/);
    assert.match(readFileSync(join(PROJECT_ROOT, 'docs/PHYSIOLOGY.md'), 'utf8'), /Dalla Man/);
  });
});
