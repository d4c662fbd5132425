import fc from 'fast-check';

/** Text that tries to become a header, a script or a prototype. */
export const hostileText = fc.oneof(
  fc.constantFrom(
    'Dana\r\nBcc: victim@example.com',
    'x\nSubject: hijacked',
    '\u2028line separator',
    '<script>alert(1)</script>',
    '{{unsubscribeUrl}}',
    '__proto__',
    'constructor',
    '\u0000null byte',
    '%0d%0aBcc:%20x@example.com',
    '=?UTF-8?B?SGk=?=',
    'a'.repeat(20_000),
    '😀'.repeat(500),
    '\ud800 lone surrogate',
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ maxLength: 2000 }),
);

export const anyJsonValue = fc.jsonValue({ maxDepth: 3 });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'text/plain',
  'text/html',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=latin1',
  '',
  'application/xml',
];

export const contentType = fc.oneof(fc.constantFrom(...CONTENT_TYPES), fc.string({ maxLength: 60 }));

const validFields = {
  firstName: 'Dana',
  email: 'dana@example.com',
  interests: ['hair-restoration'],
  consent: true,
  consentVersion: '2026-11-01',
};

/** A valid lead with one field broken in a way that can never be valid. */
export const brokenLead = fc
  .record({
    field: fc.constantFrom(
      'firstName',
      'lastName',
      'email',
      'phone',
      'utm_source',
      'referrer',
      'timeZone',
      'landingPath',
    ),
    damage: fc.constantFrom('crlf', 'type', 'oversize', 'control'),
  })
  .map(({ field, damage }) => {
    const value =
      damage === 'crlf'
        ? 'ok\r\nBcc: victim@example.com'
        : damage === 'type'
          ? { nested: 1 }
          : damage === 'oversize'
            ? 'x'.repeat(600)
            : 'a\u0007b';
    return { ...validFields, [field]: value };
  });

/** Objects with keys that attack prototypes or are simply not part of the form. */
export const pollutedLead = fc
  .constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'admin')
  .map(
    (key) =>
      `{"firstName":"Dana","email":"dana@example.com","interests":["hair-restoration"],"consent":true,"consentVersion":"2026-11-01","${key}":{"polluted":true}}`,
  );

export const jsonBody = fc.oneof(
  anyJsonValue.map((value) => JSON.stringify(value)),
  fc
    .dictionary(fc.string({ maxLength: 20 }), fc.oneof(hostileText, anyJsonValue))
    .map((value) => JSON.stringify(value)),
  brokenLead.map((lead) => JSON.stringify(lead)),
  pollutedLead,
  fc.string({ maxLength: 500 }),
  fc.constantFrom('{', '{"a":', 'null', '[]', '"text"', '1e309', '{"firstName":"\\ud800"}'),
);

export const formBody = fc.oneof(
  fc
    .array(fc.tuple(fc.string({ maxLength: 30 }), hostileText), { maxLength: 12 })
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.constantFrom(
    '%',
    '%E0%A4%A',
    'a=%ZZ',
    'interests=hair-restoration&interests=botox',
    '&&&===',
    'firstName=x%0d%0aBcc:y',
  ),
  // A form cannot carry a nested object (it would arrive as the text "[object Object]"), so only text damage.
  brokenLead
    .filter((lead) => !Object.values(lead).some((value) => typeof value === 'object' && !Array.isArray(value)))
    .map((lead) => new URLSearchParams(Object.entries(lead).map(([key, value]) => [key, String(value)])).toString()),
);

export const rawBytes = fc.uint8Array({ maxLength: 2000 }).map((bytes) => Buffer.from(bytes).toString('base64'));
