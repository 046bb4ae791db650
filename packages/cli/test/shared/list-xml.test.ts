import { parseListObjectsV2 } from '../../src/shared/list-xml';

// The ListObjectsV2 page reader that replaces the SDK's XML parser on the listing's hot path.

const page = (contents: string, tail = '<IsTruncated>false</IsTruncated>') =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1000</MaxKeys>${tail}${contents}</ListBucketResult>`,
    'utf8',
  );
const contents = (key: string, extra = '') =>
  `<Contents><Key>${key}</Key><LastModified>2024-05-01T12:00:01.000Z</LastModified><ETag>&quot;0123abcd&quot;</ETag>${extra}<Size>42</Size><StorageClass>GLACIER</StorageClass></Contents>`;

test('GIVEN an object WHEN read THEN key, time, ETag with quotes, size and storage class are as the SDK gives them', () => {
  expect(parseListObjectsV2(page(contents('a/b.txt')))).toEqual({
    objects: [
      {
        key: 'a/b.txt',
        lastModified: Date.UTC(2024, 4, 1, 12, 0, 1),
        etag: '"0123abcd"',
        size: 42,
        storageClass: 'GLACIER',
      },
    ],
    isTruncated: false,
    nextContinuationToken: undefined,
  });
});

test('GIVEN keys with escaped characters, UTF-8 and characters beyond U+FFFF WHEN read THEN they are decoded', () => {
  const listed = parseListObjectsV2(
    page(
      contents('a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos; &#x1;&#9;') +
        contents('données/日本/😀 +%.bin'),
    ),
  );
  expect(listed?.objects.map((o) => o.key)).toEqual([
    'a & b <c> "d" \'e\' \u0001\t',
    'données/日本/😀 +%.bin',
  ]);
});

test('GIVEN a truncated page WHEN read THEN the continuation token is kept, wherever it stands', () => {
  const before = parseListObjectsV2(
    page(
      contents('k'),
      '<IsTruncated>true</IsTruncated><NextContinuationToken>1/abc=</NextContinuationToken>',
    ),
  );
  const after = parseListObjectsV2(
    page(
      `${contents('k')}<IsTruncated>true</IsTruncated><NextContinuationToken>xyz</NextContinuationToken>`,
      '',
    ),
  );
  expect(before).toMatchObject({ isTruncated: true, nextContinuationToken: '1/abc=' });
  expect(after).toMatchObject({ isTruncated: true, nextContinuationToken: 'xyz', objects: [{ key: 'k' }] });
});

test('GIVEN objects with owner and checksum elements WHEN read THEN those are skipped', () => {
  const listed = parseListObjectsV2(
    page(contents('k', '<ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Owner><ID>x</ID></Owner>')),
  );
  expect(listed?.objects).toEqual([expect.objectContaining({ key: 'k', size: 42 })]);
});

test('GIVEN a body this reader does not know WHEN read THEN it declines and the SDK parses it', () => {
  expect(parseListObjectsV2(Buffer.from('<Error><Code>NoSuchBucket</Code></Error>'))).toBeUndefined();
  expect(
    parseListObjectsV2(
      page(contents('a%20b'), '<EncodingType>url</EncodingType><IsTruncated>false</IsTruncated>'),
    ),
  ).toBeUndefined();
  expect(parseListObjectsV2(page(contents('k'), ''))).toBeUndefined();
});

test('GIVEN an indented page with empty elements written <Name/> WHEN read THEN it reads as the compact page', () => {
  const indented = Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name>
  <Prefix/>
  <Contents>
    <Key>a/b.txt</Key>
    <LastModified>2024-05-01T12:00:01.000Z</LastModified>
    <ETag>&quot;0123abcd&quot;</ETag>
    <Owner>
      <ID>x</ID>
    </Owner>
    <Size>42</Size>
    <StorageClass>GLACIER</StorageClass>
  </Contents>
  <IsTruncated>false</IsTruncated>
</ListBucketResult>
`,
    'utf8',
  );
  expect(parseListObjectsV2(indented)).toEqual(parseListObjectsV2(page(contents('a/b.txt'))));
});

test('GIVEN objects sharing a time and a storage class, and one that differs WHEN read THEN each gets its own', () => {
  const later = contents('c').replace('12:00:01', '12:00:02').replace('GLACIER', 'STANDARD');
  const listed = parseListObjectsV2(page(contents('a') + contents('b') + later));
  expect(listed?.objects.map((o) => [o.key, o.lastModified, o.storageClass])).toEqual([
    ['a', Date.UTC(2024, 4, 1, 12, 0, 1), 'GLACIER'],
    ['b', Date.UTC(2024, 4, 1, 12, 0, 1), 'GLACIER'],
    ['c', Date.UTC(2024, 4, 1, 12, 0, 2), 'STANDARD'],
  ]);
});

test('GIVEN a body cut short, an object without a key, CDATA or a DOCTYPE WHEN read THEN it declines', () => {
  const whole = page(contents('k'));
  expect(parseListObjectsV2(whole.subarray(0, whole.length - 40))).toBeUndefined();
  expect(parseListObjectsV2(page(contents('k').replace('<Key>k</Key>', '')))).toBeUndefined();
  expect(parseListObjectsV2(page(contents('<![CDATA[k]]>')))).toBeUndefined();
  expect(
    parseListObjectsV2(Buffer.concat([Buffer.from('<!DOCTYPE x [<!ENTITY e "k">]>'), page(contents('&e;'))])),
  ).toBeUndefined();
});
