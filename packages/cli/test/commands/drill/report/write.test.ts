import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEvidence } from '../../../../src/commands/drill/report/read';
import { writeReport } from '../../../../src/commands/drill/report/write';
import { FIXTURE_PATH, fixtureEvidence } from './evidence-fixture';

const root = mkdtempSync(join(tmpdir(), 's3-dr-report-'));

describe('GIVEN the evidence of a drill', () => {
  it('WHEN its report is written into a folder that does not exist yet THEN the folder holds the evidence and both reports', async () => {
    const dir = join(root, 'audit', '2026-q4', 'drill');

    const written = await writeReport(dir, fixtureEvidence());

    expect(written).toEqual({
      dir,
      evidence: join(dir, 'evidence.json'),
      html: join(dir, 'report.html'),
      markdown: join(dir, 'report.md'),
    });
    expect(readdirSync(dir).sort()).toEqual(['evidence.json', 'report.html', 'report.md']);
    expect(readEvidence(written.evidence)).toEqual(fixtureEvidence());
    expect(readFileSync(written.html, 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readFileSync(written.markdown, 'utf8')).toMatch(/^# S3 disaster-recovery drill: prod\n/);
  });

  it('WHEN it is written with the text it was read from THEN evidence.json keeps those bytes', async () => {
    const dir = join(root, 'bytes');
    const text = readFileSync(FIXTURE_PATH, 'utf8').replace(/\n/g, '\r\n');

    await writeReport(dir, fixtureEvidence(), text);

    expect(readFileSync(join(dir, 'evidence.json'), 'utf8')).toBe(text);
  });

  it('WHEN the folder already holds a report THEN each file is replaced whole, with no temporary file left', async () => {
    const dir = join(root, 'again');
    await writeReport(dir, fixtureEvidence());
    writeFileSync(join(dir, 'report.html'), 'stale');

    await writeReport(dir, fixtureEvidence());

    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/^<!DOCTYPE html>/);
    expect(readdirSync(dir).sort()).toEqual(['evidence.json', 'report.html', 'report.md']);
  });
});

describe('GIVEN a report folder that cannot be created', () => {
  it('WHEN a file of that name is in the way THEN a usage error says so and nothing is written', async () => {
    const path = join(root, 'taken');
    writeFileSync(path, 'a file');

    await expect(writeReport(path, fixtureEvidence())).rejects.toMatchObject({
      message: `cannot create report folder ${path}: a file of that name is in the way`,
      exitCode: 2,
    });
    expect(readFileSync(path, 'utf8')).toBe('a file');
  });

  it('WHEN a part of its path is a file THEN a usage error says so', async () => {
    const file = join(root, 'plain');
    writeFileSync(file, 'a file');
    const dir = join(file, 'report');

    await expect(writeReport(dir, fixtureEvidence())).rejects.toMatchObject({
      message: `cannot create report folder ${dir}: a part of the path is a file, not a folder`,
      exitCode: 2,
    });
  });
});

describe('GIVEN a report folder where a file cannot be written', () => {
  it('WHEN report.html is a folder THEN the error names it and what was already written', async () => {
    const dir = join(root, 'blocked');
    await writeReport(dir, fixtureEvidence());
    const html = join(dir, 'report.html');
    rmSync(html);
    mkdirSync(join(html, 'inside'), { recursive: true });

    await expect(writeReport(dir, fixtureEvidence())).rejects.toMatchObject({
      message: `cannot write ${html}: it is a directory (already written: ${join(dir, 'evidence.json')})`,
      exitCode: 2,
    });
  });
});
