import { describe, expect, it } from 'vitest';
import { redact } from '../src/index.js';

describe('redact', () => {
  it.each([
    [
      'Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=abc123',
      'Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=***;SharedAccessKey=***',
    ],
    ['postgres://app:s3cr3t@db.postgres.database.azure.com:5432/orders', 'postgres://app:***@db.postgres.database.azure.com:5432/orders'],
    ['AccountName=acct;AccountKey=short==;EndpointSuffix=core.windows.net', 'AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net'],
    [
      'https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=AbCd%2Fef&se=2030',
      'https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=***&se=2030',
    ],
    ['cache.redis.cache.windows.net:6380,password=hunter2,ssl=True', 'cache.redis.cache.windows.net:6380,password=***,ssl=True'],
    ['token: ZXlKaGJHY2lPaUpJVXpJMU5pSjkuZXlKemRXSWlPaUl4TWpNME5UWTNPRGt3SW4w', 'token: ***'],
    ['https://shop-catalog.documents.azure.com:443/', 'https://shop-catalog.documents.azure.com:443/'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('shortens long values to one line of 200 characters', () => {
    const shown = redact(`first line\n${'x.'.repeat(300)}`);
    expect(shown.startsWith('first line x.x.')).toBe(true);
    expect(shown.length).toBe(200);
    expect(shown.endsWith('…')).toBe(true);
  });
});
