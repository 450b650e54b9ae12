import { describe, expect, it } from 'vitest';
import { looksSecret, looksSecretField } from '../../src/planning/secret-names.js';
import { maskSecretKeys, secretInputValues, secretValues } from '../../src/store/redact.js';

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

describe('a PIN, a passcode or a passphrase names a secret as a word of its own', () => {
  it('as the last word of an input, a variable or a field', () => {
    for (const name of ['pin', 'PIN', 'dbPin', 'DB_PIN', 'card-pin', 'simPins', 'pin2', 'passcode', 'doorPasscode', 'DOOR_PASSCODE', 'passphrase', 'keyPassphrase', 'SSH_PASSPHRASE']) {
      expect(looksSecret(name), name).toBe(true);
      expect(looksSecretField(name), name).toBe(true);
    }
  });

  it('not inside another word, nor before the last one (a postal pinCode)', () => {
    for (const name of ['spin', 'SPINNER', 'pinned', 'PINNED_VERSION', 'pinCode', 'PIN_CODE', 'pinning', 'opinion', 'pinCount', 'shipping', 'SPIN_UP']) {
      expect(looksSecret(name), name).toBe(false);
      expect(looksSecretField(name), name).toBe(false);
    }
  });

  it('hides a dbPin input and a DB_PIN variable', () => {
    expect(secretInputValues({ dbPin: 482913 })).toEqual(['482913']);
    expect(secretValues({ DB_PIN: '482913', SPINNER: 'dots' })).toEqual(['482913']);
  });
});
