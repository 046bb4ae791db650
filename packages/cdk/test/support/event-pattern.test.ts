import { matches } from './event-pattern';

// The matcher's rules against the EventBridge documentation it follows:
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html

const event = {
  'detail-type': 'AWS API Call via CloudTrail',
  detail: {
    eventSource: 'events.amazonaws.com',
    eventName: 'PutRule',
    requestParameters: { name: 'cttest2', state: 'ENABLED', alarmNames: ['a-dev', 'b-prod'] },
  },
};

test('every named field must match; fields not named are ignored', () => {
  expect(matches({ detail: { eventName: ['PutRule', 'DeleteRule'] } }, event)).toBe(true);
  expect(matches({ detail: { eventName: ['PutRule'], eventSource: ['s3.amazonaws.com'] } }, event)).toBe(
    false,
  );
});

test('a field the event lacks does not match, unless the filter is exists: false', () => {
  expect(matches({ detail: { errorCode: ['AccessDenied'] } }, event)).toBe(false);
  expect(matches({ detail: { errorCode: [{ exists: false }] } }, event)).toBe(true);
  expect(matches({ detail: { requestParameters: { name: [{ exists: true }] } } }, event)).toBe(true);
});

test('$or needs one of its patterns to match', () => {
  const pattern = {
    detail: { $or: [{ eventName: ['DeleteRule'] }, { requestParameters: { name: ['cttest2'] } }] },
  };
  expect(matches(pattern, event)).toBe(true);
  expect(matches({ detail: { $or: [{ eventName: ['DeleteRule'] }] } }, event)).toBe(false);
});

test('prefix, suffix and wildcard filter strings', () => {
  expect(matches({ detail: { eventSource: [{ prefix: 'events.' }] } }, event)).toBe(true);
  expect(matches({ detail: { eventSource: [{ suffix: '.amazonaws.com' }] } }, event)).toBe(true);
  expect(matches({ detail: { requestParameters: { name: [{ wildcard: 'ct*2' }] } } }, event)).toBe(true);
  expect(matches({ detail: { requestParameters: { name: [{ wildcard: 'ct*3' }] } } }, event)).toBe(false);
});

test("a leaf matches an array of the event when it matches one of the array's values", () => {
  expect(matches({ detail: { requestParameters: { alarmNames: [{ wildcard: '*-dev' }] } } }, event)).toBe(
    true,
  );
  expect(matches({ detail: { requestParameters: { alarmNames: [{ wildcard: '*-test' }] } } }, event)).toBe(
    false,
  );
});

test('a filter it does not know is refused rather than skipped', () => {
  expect(() => matches({ detail: { eventName: [{ 'anything-but': 'x' }] } }, event)).toThrow(
    'unsupported filter',
  );
  expect(() => matches({ detail: { eventName: 'PutRule' } }, event)).toThrow('must be a list or an object');
});
