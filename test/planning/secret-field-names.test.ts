import { describe, expect, it } from 'vitest';
import { looksSecretField } from '../../src/planning/secret-names.js';
import { maskSecretKeys, secretInputValues } from '../../src/store/redact.js';

// Inside an input's list or mapping a field names a secret by its last word, not by a secret-like part anywhere.

describe('fields of an input mapping that name a secret', () => {
  it('takes the last word of camelCase, snake_case, kebab-case and dotted names', () => {
    for (const name of ['password', 'dbPassword', 'DB_PASSWORD', 'db-passwd', 'mysql.pwd', 'passphrase', 'clientSecret', 'client_secret', 'token', 'authToken', 'authtoken', 'githubPat', 'credentials', 'apiKey', 'api_key', 'API_KEY', 'accessKey', 'privateKey', 'secretKey', 'apikey', 'password2', 'apiTokens', 'apiKeys'])
      expect(looksSecretField(name), name).toBe(true);
  });

  it('not a bare key, nor a secret-like word before the last one, nor inside another word', () => {
    for (const name of ['key', 'Key', 'monkey', 'hotkey', 'tokenTTL', 'token_ttl', 'apiKeyHeader', 'secretKeyRef', 'sessionAffinity', 'session', 'auth', 'operator', 'value', 'keyPath', 'compat', 'spat', 'path', 'passwordPolicy'])
      expect(looksSecretField(name), name).toBe(false);
  });

  it('hides only the texts and numbers under such fields, and the items of a list under one', () => {
    const tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }];
    const settings = { tokenTTL: 3600, apiKeyHeader: 'X-Api-Key', monkey: 'banana', secretKeyRef: { name: 'app-secrets', key: 'api' }, apiToken: 'tok-5566', apiKeys: ['k-1111', 'k-2222'], clientSecret: { value: 'plain' } };
    expect(maskSecretKeys(tolerations)).toEqual(tolerations);
    expect(maskSecretKeys(settings)).toEqual({ ...settings, apiToken: '***', apiKeys: ['***', '***'] });
    expect(secretInputValues({ tolerations, settings }).sort()).toEqual(['k-1111', 'k-2222', 'tok-5566']);
  });
});
