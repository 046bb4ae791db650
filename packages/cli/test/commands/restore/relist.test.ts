import type { S3Client } from '@aws-sdk/client-s3';
import { applyRestore, planRestore } from '../../../src/commands/restore/run';
import { NO_REPORT } from '../../../src/shared/report';
import { changedAfterT } from '../../support/restore-request';
import { currentContents, motoS3, versionIds } from '../../support/versioned';

// Plans too large to hold in memory are applied by listing again; the cap is lowered to 2 here
// (the CLI holds up to MAX_HELD_ACTIONS = 50,000 actions).

let s3: S3Client;
beforeAll(() => {
  s3 = motoS3();
});

test('GIVEN a plan larger than the held-actions cap WHEN applied THEN the bucket is listed again and fully restored', async () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];
  const { bucket, request } = await changedAfterT(s3, 'rr-relist', keys);
  const before = await versionIds(s3, bucket);
  const plan = await planRestore(s3, request, NO_REPORT, {}, 10, 2);

  const applied = await applyRestore(s3, request, plan, NO_REPORT, 4);

  expect([plan.actions, applied.done.copy, applied.failed]).toEqual([undefined, 5, 0]);
  expect(await currentContents(s3, bucket)).toEqual(Object.fromEntries(keys.map((k) => [k, `${k} at T`])));
  expect((await versionIds(s3, bucket)).filter((id) => before.includes(id))).toEqual(before);
});
