import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cookbookCommands } from './support/cookbook.js';

describe('cookbookCommands', () => {
  it('takes the sh blocks of one section, joins continuations, drops comments and exports', () => {
    const markdown = [
      '## Other',
      '```sh',
      'echo other',
      '```',
      '## Cookbook',
      'text',
      '```sh',
      '# a comment',
      'export A=1',
      'curl -X POST \\',
      "  -d '{}'",
      '',
      'temporal workflow list',
      '```',
      '```json',
      '{"not": "a command"}',
      '```',
      '## Next',
      '```sh',
      'echo next',
      '```',
    ].join('\n');
    expect(cookbookCommands(markdown, 'Cookbook')).toEqual([
      { line: 10, text: "curl -X POST \\\n  -d '{}'" },
      { line: 13, text: 'temporal workflow list' },
    ]);
  });

  it('finds the README cookbook, with curl and temporal commands', () => {
    const commands = cookbookCommands(readFileSync('README.md', 'utf8'), 'Operating a failback');
    expect(commands.filter((c) => c.text.startsWith('curl ')).length).toBeGreaterThanOrEqual(19);
    expect(commands.filter((c) => c.text.startsWith('temporal workflow ')).length).toBeGreaterThanOrEqual(16);
  });
});
