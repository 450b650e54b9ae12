/**
 * Names whose values are treated as secrets wherever they could be written down
 * or shown: environment variables, inputs. `MYSQL_PWD`, but not `PWD` (the working directory).
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIAL|AUTH|COOKIE|SESSION|DSN|(^|_)PAT(_|$)|_PWD(_|$))/i;

/**
 * Not `pin`, even as a word of its own: in deploy plans it is mostly a pinned version or CPU set (`versionPin: "1.25"`,
 * `cpuPin: "0-3"`), and a name taken for a secret hides its value everywhere (every `1.25` in output) and keeps a run
 * from resuming. A PIN is passed under a secret's name (`cardPinSecret`, `--input simPasscode=...`).
 */
export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The last word of a field name that makes its value a secret (`dbPassword`, `client_secret`, `github.pat`). */
const SECRET_LAST_WORDS = new Set(['password', 'passwords', 'passwd', 'pwd', 'passphrase', 'passphrases', 'passcode', 'passcodes', 'secret', 'secrets', 'token', 'tokens', 'credential', 'credentials', 'pat']);
/** Run together with their last word (`dbpassword`, `authtoken`): `pwd` and `pat` are left out, as they end ordinary words (`spat`). */
const SECRET_ENDINGS = ['password', 'passwords', 'passwd', 'passphrase', 'passphrases', 'passcode', 'passcodes', 'secret', 'secrets', 'token', 'tokens', 'credential', 'credentials'];
/** What makes a `key` run together with it a secret (`apikey`, `privatekey`); not any ending in key (`monkey`, `hotkey`). */
const KEY_QUALIFIERS = ['api', 'access', 'private', 'secret', 'signing', 'master', 'encryption', 'ssh', 'license', 'subscription', 'account', 'storage', 'client', 'shared', 'deploy', 'service', 'app', 'auth'];

/**
 * Whether a field inside an input's list or mapping names a secret. Stricter than `looksSecret`: ordinary settings
 * name keys, sessions and tokens without holding one (`key: dedicated` of a toleration, `tokenTTL`, `apiKeyHeader`,
 * `secretKeyRef`, `sessionAffinity`), so only the name's last word counts, read as camelCase, snake_case, kebab-case
 * or dotted words: a secret's (`password`, `token`, `clientSecret`), or `key` with a qualifier before it (`apiKey`).
 */
export function looksSecretField(name: string): boolean {
  const words = fieldWords(name);
  const last = words.at(-1);
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  if (last === 'key' || last === 'keys') return words.length > 1;
  if (words.length > 1) return false;
  return SECRET_ENDINGS.some((ending) => last.endsWith(ending)) || KEY_QUALIFIERS.some((qualifier) => last === `${qualifier}key` || last === `${qualifier}keys`);
}

/** `apiKey_2` -> api, key: lower-case words, a trailing number dropped (`password2` is a password still). */
function fieldWords(name: string): string[] {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .split(/[\s_.\-]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
  while (words.length > 0 && /^\d+$/.test(words.at(-1)!)) words.pop();
  return words;
}
