import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../packages/cli/src/shared/errors';
import { ROOT } from './markdown';

// docs/cli.md lists the `code`s of --json's error object that scripts may test: the list must be
// the CLI's own, in full.

test('GIVEN docs/cli.md WHEN its list of error codes is read THEN it is exactly the codes the CLI gives', () => {
  const text = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8').replace(/\s+/g, ' ');
  const list = /`code` being one of (.*?)\. /.exec(text)?.[1] ?? '';
  // Codes are the backticked words outside a parenthesis (which explains the one before it).
  const codes = [...list.replace(/\([^)]*\)/g, '').matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);

  expect(codes).toEqual([...ERROR_CODES]);
});
