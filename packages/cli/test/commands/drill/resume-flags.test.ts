import { flagsOf } from '../../../src/commands/drill/undo';

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
