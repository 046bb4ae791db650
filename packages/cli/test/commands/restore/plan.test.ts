import { planInPlace, planToTarget, stateAt } from '../../../src/commands/restore/plan';
import { history, marker, T0, version } from '../../support/history';

// Pure unit tests of restore planning on synthetic histories (entries newest first).

const T = T0 + 100_000; // 100 s after T0
const options = { time: T, restoreArchived: false, now: T0 + 1_000_000 };
const plan = (...args: Parameters<typeof history>) => planInPlace(history(...args), options);

test('GIVEN versions with equal timestamps WHEN taking the state at T THEN the first in list order wins', () => {
  const h = history(
    version('k', 'later', 200),
    version('k', 'third', 50),
    version('k', 'second', 50),
    version('k', 'first', 50),
  );
  expect(stateAt(h, T)?.versionId).toBe('third');
});

test('GIVEN an entry written exactly at T WHEN taking the state at T THEN it counts (LastModified <= T)', () => {
  expect(stateAt(history(version('k', 'atT', 100)), T)?.versionId).toBe('atT');
});

test('GIVEN a key whose only versions are after T WHEN taking the state at T THEN it did not exist', () => {
  expect(stateAt(history(version('k', 'v', 101)), T)).toBeUndefined();
});

test('GIVEN the version at T is current WHEN planning THEN the key is unchanged because that version is current', () => {
  expect(plan(version('k', 'v1', 10))).toMatchObject({
    type: 'unchanged',
    reason: 'the version at T is current',
  });
});

test('GIVEN an overwrite after T WHEN planning THEN the version at T is copied because the current one differs', () => {
  const action = plan(version('k', 'v2', 200, 'new'), version('k', 'v1', 10, 'old'));
  expect([action.type, action.atT?.versionId, action.reason]).toEqual([
    'copy',
    'v1',
    'differs from the version at T',
  ]);
});

test('GIVEN an earlier restore already copied the version at T WHEN planning THEN the key is unchanged because the content is the same', () => {
  const copy = version('k', 'copy', 300, 'old');
  expect(plan(copy, version('k', 'v2', 200, 'new'), version('k', 'v1', 10, 'old'))).toMatchObject({
    type: 'unchanged',
    reason: 'the current version has the content of the version at T',
  });
});

test('GIVEN a key created after T WHEN planning THEN it is delete-marked because it did not exist at T', () => {
  expect(plan(version('k', 'v1', 200))).toMatchObject({ type: 'delete-mark', reason: 'did not exist at T' });
});

test('GIVEN a key created and deleted after T WHEN planning THEN it is unchanged because it did not exist at T', () => {
  expect(plan(marker('k', 'm', 300), version('k', 'v1', 200))).toMatchObject({
    type: 'unchanged',
    reason: 'did not exist at T',
  });
});

test('GIVEN a key deleted at T and written again after WHEN planning THEN it is delete-marked because it was deleted at T', () => {
  expect(plan(version('k', 'v2', 200), marker('k', 'm', 50), version('k', 'v1', 10))).toMatchObject({
    type: 'delete-mark',
    reason: 'deleted at T',
  });
});

test('GIVEN a key deleted at T and still deleted WHEN planning THEN it is unchanged because it is deleted at T and now', () => {
  expect(plan(marker('k', 'm2', 200), marker('k', 'm', 50), version('k', 'v1', 10))).toMatchObject({
    type: 'unchanged',
    reason: 'deleted at T and now',
  });
});

test('GIVEN a key deleted after T WHEN planning THEN the version at T is copied back because the key is deleted now', () => {
  expect(plan(marker('k', 'm', 200), version('k', 'v1', 10))).toMatchObject({
    type: 'copy',
    reason: 'deleted or absent now',
  });
});

test('GIVEN the version at T in DEEP_ARCHIVE WHEN planning THEN the key is blocked', () => {
  const cold = version('k', 'v1', 10, 'old', { storageClass: 'DEEP_ARCHIVE' });
  expect(plan(version('k', 'v2', 200, 'new'), cold).type).toBe('blocked');
});

test('GIVEN the version at T in GLACIER and --restore-archived WHEN planning THEN its restore is planned', () => {
  const cold = version('k', 'v1', 10, 'old', { storageClass: 'GLACIER' });
  const action = planInPlace(history(version('k', 'v2', 200, 'new'), cold), {
    ...options,
    restoreArchived: true,
  });
  expect(action).toMatchObject({ type: 'restore-archive', reason: 'the version at T is in GLACIER' });
});

test('GIVEN a GLACIER version whose restore is in progress WHEN planning THEN the key is waiting for it', () => {
  const cold = version('k', 'v1', 10, 'old', { storageClass: 'GLACIER', restore: { inProgress: true } });
  expect(plan(version('k', 'v2', 200, 'new'), cold)).toMatchObject({
    type: 'waiting',
    reason: 'restore of the GLACIER version is in progress',
  });
});

test('GIVEN a GLACIER version with a finished, unexpired restore WHEN planning THEN it is copied', () => {
  const restore = { inProgress: false, expiresAt: options.now + 86_400_000 };
  const cold = version('k', 'v1', 10, 'old', { storageClass: 'GLACIER', restore });
  expect(plan(version('k', 'v2', 200, 'new'), cold).type).toBe('copy');
});

test('GIVEN a GLACIER version whose finished restore has expired WHEN planning THEN it is blocked, not copied', () => {
  const restore = { inProgress: false, expiresAt: options.now - 1 };
  const cold = version('k', 'v1', 10, 'old', { storageClass: 'GLACIER', restore });
  expect(plan(version('k', 'v2', 200, 'new'), cold).type).toBe('blocked');
});

test('GIVEN a GLACIER version whose restore expires at this very moment WHEN planning THEN it is blocked, not copied', () => {
  const restore = { inProgress: false, expiresAt: options.now };
  const cold = version('k', 'v1', 10, 'old', { storageClass: 'GLACIER', restore });
  expect(plan(version('k', 'v2', 200, 'new'), cold).type).toBe('blocked');
});

describe('into a target bucket', () => {
  const target = { ...options, targetPrefix: 'p/', targetVersioned: true };

  test('GIVEN a key absent at T and absent in the target WHEN planning THEN nothing is written to the target', () => {
    expect(planToTarget(history(version('k', 'v', 200)), undefined, target)).toMatchObject({
      type: 'unchanged',
      reason: 'did not exist at T, absent in the target',
    });
  });

  test('GIVEN a key deleted at T that the target shows deleted WHEN planning THEN nothing is written to the target', () => {
    const h = history(version('k', 'v2', 200), marker('k', 'm', 50), version('k', 'v1', 10));
    expect(planToTarget(h, marker('p/k', 'tm', 300), target).type).toBe('unchanged');
  });

  test.each([
    ['did not exist at T', history(version('k', 'v', 200))],
    ['deleted at T', history(version('k', 'v2', 200), marker('k', 'm', 50), version('k', 'v1', 10))],
    ['did not exist at T', { key: 'k', entries: [] }],
  ])(
    'GIVEN a key that %s and is present in the target WHEN planning THEN it is delete-marked there, as in place',
    (absent, h) => {
      const action = planToTarget(h, version('p/k', 't', 300), target);
      expect(action).toMatchObject({
        type: 'delete-mark',
        targetKey: 'p/k',
        reason: `${absent}, present in the target`,
      });
    },
  );

  test('GIVEN a key absent at T and present in an unversioned target WHEN planning THEN it is blocked: a delete there would destroy it', () => {
    const action = planToTarget(history(version('k', 'v', 200)), version('p/k', 'null', 300), {
      ...target,
      targetVersioned: false,
    });
    expect(action).toMatchObject({
      type: 'blocked',
      reason: 'did not exist at T, present in the unversioned target bucket: a delete there would destroy it',
    });
  });

  test('GIVEN the state at T is one of a same-second version/marker pair of unknown order WHEN planning THEN the key is blocked', () => {
    const h = history(
      version('k', 'after', 200),
      { ...marker('k', 'm', 50), orderUnknown: true },
      version('k', 'v', 50, 'v', { orderUnknown: true }),
    );
    expect(planToTarget(h, undefined, target)).toMatchObject({
      type: 'blocked',
      reason: expect.stringContaining('written in the same second'),
    });
  });

  test('GIVEN a key present at T WHEN planning THEN it is copied under the target prefix', () => {
    const action = planToTarget(history(version('k', 'v', 10)), undefined, target);
    expect([action.type, action.targetKey]).toEqual(['copy', 'p/k']);
  });

  test('GIVEN the target already holds the content WHEN planning THEN the key is unchanged', () => {
    const there = version('p/k', 't', 300, 'same');
    expect(planToTarget(history(version('k', 'v', 10, 'same')), there, target).type).toBe('unchanged');
  });

  test('GIVEN an unversioned target with other content WHEN planning THEN the key is blocked', () => {
    const there = version('p/k', 'null', 300, 'other');
    const action = planToTarget(history(version('k', 'v', 10, 'mine')), there, {
      ...target,
      targetVersioned: false,
    });
    expect(action).toMatchObject({
      type: 'blocked',
      reason: 'would overwrite a different object in the unversioned target bucket',
    });
  });
});

describe('with a journal of earlier copies', () => {
  const journal = {
    isCopyOf: (targetKey: string, current: { versionId: string }, from: string) =>
      targetKey === 'k' && current.versionId === 'copy' && from === 'v1',
  };
  const withJournal = { ...options, journal };

  test('GIVEN the current version is the recorded copy of the version at T WHEN planning THEN the key is unchanged', () => {
    const action = planInPlace(
      history(version('k', 'copy', 200, 'kms-b'), version('k', 'v1', 10, 'kms-a')),
      withJournal,
    );
    expect(action).toMatchObject({
      type: 'unchanged',
      reason: 'an earlier run copied the version at T (journal)',
    });
  });

  test('GIVEN the recorded copy was overwritten since WHEN planning THEN the key is copied again', () => {
    const h = history(
      version('k', 'newer', 300, 'kms-c'),
      version('k', 'copy', 200, 'kms-b'),
      version('k', 'v1', 10, 'kms-a'),
    );
    expect(planInPlace(h, withJournal).type).toBe('copy');
  });
});

test('GIVEN the state at T is one of a same-second version/marker pair of unknown order WHEN planning THEN the key is blocked', () => {
  const action = plan(version('k', 'after', 200), marker('k', 'm', 50), version('k', 'v', 50));
  expect(action.type).toBe('delete-mark');
  const unknown = planInPlace(
    history(
      version('k', 'after', 200),
      { ...marker('k', 'm', 50), orderUnknown: true },
      version('k', 'v', 50, 'v', { orderUnknown: true }),
    ),
    options,
  );
  expect(unknown).toMatchObject({ type: 'blocked' });
  expect(unknown.reason).toContain('written in the same second');
});

test('GIVEN a same-second version/marker pair of unknown order after T WHEN planning THEN the older state at T is copied, not blocked', () => {
  const action = plan(
    { ...marker('k', 'm', 200), orderUnknown: true },
    version('k', 'v2', 200, 'new', { orderUnknown: true }),
    version('k', 'v1', 10, 'old'),
  );
  expect([action.type, action.atT?.versionId]).toEqual(['copy', 'v1']);
});

test('GIVEN a key that did not exist at T and a same-second pair of unknown order after T WHEN planning THEN it is delete-marked', () => {
  const action = plan(
    version('k', 'v3', 300),
    { ...marker('k', 'm', 200), orderUnknown: true },
    version('k', 'v2', 200, 'new', { orderUnknown: true }),
  );
  expect(action.type).toBe('delete-mark');
});

test('GIVEN a current version with the ETag of the version at T but another size WHEN planning THEN the version at T is copied', () => {
  // Same content means same ETag and same size; an ETag alone (not an MD5 under SSE-KMS) is not proof.
  const action = plan(version('k', 'v2', 200, 'same', { size: 99 }), version('k', 'v1', 10, 'same'));
  expect([action.type, action.atT?.versionId]).toEqual(['copy', 'v1']);
});

describe('from the replica (restore --from replica)', () => {
  const fromReplica = { ...options, targetPrefix: '', targetVersioned: true, fromReplica: true };
  // The replica's version at T, re-encrypted by the replica's key: another ETag, the same version id.
  const replicaHistory = history(version('k', 'v2', 200, 'after T'), version('k', 'v1', 10, 'replica etag'));

  test("GIVEN the primary's current version is the one the replica held at T WHEN planning THEN the key is unchanged although the ETags differ", () => {
    const action = planToTarget(replicaHistory, version('k', 'v1', 10, 'primary etag'), fromReplica);
    expect([action.type, action.reason]).toEqual([
      'unchanged',
      'the current version is the version at T in the replica',
    ]);
  });

  test('GIVEN the same version ids WHEN planning into a target that is not restored from its replica THEN the ETags decide', () => {
    const action = planToTarget(replicaHistory, version('k', 'v1', 10, 'primary etag'), {
      ...fromReplica,
      fromReplica: false,
    });
    expect(action.type).toBe('copy');
  });

  test("GIVEN the replica's version at T is in GLACIER WHEN planning THEN it is blocked: the replica's account must restore it", () => {
    const cold = history(version('k', 'v2', 200), version('k', 'v1', 10, 'old', { storageClass: 'GLACIER' }));
    expect(planToTarget(cold, version('k', 'v2', 200), fromReplica)).toMatchObject({
      type: 'blocked',
      reason: "the version at T is in GLACIER: the replica's account must restore it (RestoreObject) first",
    });
  });
});
