import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { documentationFiles, headingAnchors, ROOT, relativeLinks } from './markdown';

// The README sends readers to docs/ pages and their sections, and the packages' READMEs and the
// CHANGELOG link into them: every relative link must lead to a file, and its #anchor to a heading.

const linking = [
  ...documentationFiles(),
  join(ROOT, 'CHANGELOG.md'),
  join(ROOT, 'BENCHMARKS.md'),
  ...['cli', 'cdk', 'naming'].map((name) => join(ROOT, 'packages', name, 'README.md')),
];

const links = linking.flatMap((path) =>
  relativeLinks(path).map((link) => ({ from: `${relative(ROOT, path)}:${link.line}`, path, ...link })),
);

test('GIVEN the docs WHEN their links are collected THEN the README links into docs/', () => {
  expect(
    links.filter((l) => l.from.startsWith('README.md:') && l.target.startsWith('docs/')).length,
  ).toBeGreaterThan(5);
});

test.each(links.map((l) => [`${l.from} -> ${l.target}`, l] as const))(
  'GIVEN the link %s WHEN followed THEN its file and heading exist',
  (_, link) => {
    const [file, anchor] = link.target.split('#') as [string, string | undefined];
    const target = file === '' ? link.path : join(dirname(link.path), file);

    expect({ target: relative(ROOT, target), exists: existsSync(target) }).toEqual({
      target: relative(ROOT, target),
      exists: true,
    });
    if (anchor !== undefined && statSync(target).isFile() && target.endsWith('.md')) {
      expect(headingAnchors(target)).toContain(anchor);
    }
  },
);
