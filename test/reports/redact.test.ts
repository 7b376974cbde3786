import { describe, expect, it } from 'vitest';
import { Redactor, redactUrl, redactUrlsInText } from '../../src/util/redact.js';

describe('credential redaction', () => {
  it('masks URL passwords and password parameters, leaves the rest', () => {
    expect(redactUrl('redis://:hunter2@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    expect(redactUrl('postgres://app:p%40ss@db/app?sslmode=require')).toBe('postgres://app:***@db/app?sslmode=require');
    expect(redactUrl('postgres://db/app?password=hunter2&user=x')).toBe('postgres://db/app?password=***&user=x');
    expect(redactUrl('http://localhost:8100/health')).toBe('http://localhost:8100/health');
  });

  it('masks credentials inside free text such as a library error', () => {
    expect(redactUrlsInText('connect to rediss://user:s3cret@h:1 failed')).toBe('connect to rediss://user:***@h:1 failed');
  });

  it('keeps a reference to a variable (help texts, starters), masks a default that may be the secret itself', () => {
    expect(redactUrlsInText('redis://:$REDIS_PASSWORD@h:1 and redis://:${DB_PW}@h:2')).toBe(
      'redis://:$REDIS_PASSWORD@h:1 and redis://:${DB_PW}@h:2',
    );
    expect(redactUrlsInText('redis://:${DB_PW:-hunter2}@h:2')).toBe('redis://:***@h:2');
    // A real password that looks like a reference is still a registered secret: the second layer masks it.
    const r = new Redactor();
    r.addFromUrl('redis://:$ABC@h:1');
    expect(r.scrub('auth with redis://:$ABC@h:1 failed')).toBe('auth with redis://:***@h:1 failed');
  });

  it('scrubs registered secrets everywhere in a nested report, raw and URL-encoded', () => {
    const r = new Redactor();
    r.addFromUrl('redis://:p@ss word@h:1'.replace(' ', '%20'));
    const scrubbed = r.scrubDeep({ a: ['auth "p@ss word" rejected'], b: { c: 'p%40ss%20word' }, n: 3 });
    expect(scrubbed).toEqual({ a: ['auth "***" rejected'], b: { c: '***' }, n: 3 });
  });
});
