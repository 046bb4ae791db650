import { flagsOf, howToFinish, resumeCommand } from '../../../src/commands/drill/undo';

describe('GIVEN the target of a drill run', () => {
  it('WHEN it is written back as flags (the --resume and undo hints) THEN the replica side credentials are named too', () => {
    expect(flagsOf({ env: 'prod', replicaProfile: 'vault' })).toBe('--env prod --replica-profile vault');
    expect(flagsOf({ env: 'prod', replicaRoleArn: 'arn:aws:iam::222222222222:role/r' })).toBe(
      '--env prod --replica-role-arn arn:aws:iam::222222222222:role/r',
    );
  });

  it('WHEN it has no replica side credentials THEN the flags are as before', () => {
    expect(flagsOf({ source: 'a', replica: 'b', region: 'eu-west-1' })).toBe(
      '--source a --replica b --region eu-west-1',
    );
  });
});

describe('GIVEN a drill run with its report in a folder given by --report', () => {
  const run = { runId: '20261205T101500Z-3fa94c', target: { env: 'prod' }, report: 'evidence/2026-q4' };

  it('WHEN the command to resume it is written THEN it names the folder (--resume reads the run state there)', () => {
    expect(resumeCommand(run)).toBe(
      's3-dr drill --env prod --report evidence/2026-q4 --resume 20261205T101500Z-3fa94c --yes',
    );
  });

  it('WHEN an experiment is left to stop THEN the way to finish by hand resumes with the folder too', () => {
    expect(
      howToFinish({ kind: 'experiment', id: 'EXP1', templateId: 'EXT1', region: 'us-east-1' }, run),
    ).toBe(
      'aws fis stop-experiment --id EXP1 --region us-east-1, or s3-dr drill --env prod --report evidence/2026-q4 --resume 20261205T101500Z-3fa94c --yes',
    );
  });

  it('WHEN the default folder was used THEN no --report is added', () => {
    expect(resumeCommand({ runId: run.runId, target: run.target })).toBe(
      's3-dr drill --env prod --resume 20261205T101500Z-3fa94c --yes',
    );
  });
});
