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

describe('a passcode or a passphrase names a secret as a word of its own; a pin does not', () => {
  it('as the last word of an input, a variable or a field', () => {
    for (const name of ['passcode', 'doorPasscode', 'DOOR_PASSCODE', 'simPasscodes', 'passcode2', 'passphrase', 'keyPassphrase', 'SSH_PASSPHRASE']) {
      expect(looksSecret(name), name).toBe(true);
      expect(looksSecretField(name), name).toBe(true);
    }
  });

  it('a pin is mostly a pinned version or CPU set in a deploy plan, whatever its words: not a secret', () => {
    for (const name of ['pin', 'PIN', 'versionPin', 'cpuPin', 'VERSION_PIN', 'image-pin', 'pins', 'dbPin', 'spin', 'SPINNER', 'pinned', 'PINNED_VERSION', 'pinCode', 'opinion', 'SPIN_UP']) {
      expect(looksSecret(name), name).toBe(false);
      expect(looksSecretField(name), name).toBe(false);
    }
  });

  it('leaves a versionPin input, a CPU_PIN variable and a pin field as given, and hides a doorPasscode input', () => {
    expect(secretInputValues({ versionPin: '1.25', cpuPin: '0-3', chart: { name: 'web', pin: '1.25' } })).toEqual([]);
    expect(secretValues({ CPU_PIN: '0-3', VERSION_PIN: '1.25' })).toEqual([]);
    expect(secretInputValues({ doorPasscode: 482913 })).toEqual(['482913']);
    expect(secretValues({ DOOR_PASSCODE: '482913', SPINNER: 'dots' })).toEqual(['482913']);
  });
});
