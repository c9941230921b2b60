import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../scripts/stack/paths.js';

/** Every relative link of these documents, with the file it resolves to. */
function relativeLinks(file: string): Array<{ link: string; target: string }> {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((link) => !/^[a-z]+:/i.test(link) && !link.startsWith('#'))
    .map((link) => ({
      link,
      target: path.resolve(path.dirname(path.join(REPO_ROOT, file)), link.split('#')[0]!),
    }));
}

describe('the documentation’s links', () => {
  for (const file of ['README.md', 'docs/design.md']) {
    it(`${file} points only inside the repository, at files that exist`, () => {
      const links = relativeLinks(file);
      expect(links.length).toBeGreaterThan(0);
      for (const { link, target } of links) {
        expect(target.startsWith(`${REPO_ROOT}${path.sep}`), link).toBe(true);
        expect(existsSync(target), link).toBe(true);
      }
    });
  }

  it('the README links the design overview', () => {
    expect(relativeLinks('README.md').map((l) => l.link)).toContain('docs/design.md');
  });
});
