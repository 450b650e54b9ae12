/**
 * Names whose values are treated as secrets wherever they could be written down
 * or shown: environment variables, inputs. `MYSQL_PWD`, but not `PWD` (the working directory).
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIAL|AUTH|COOKIE|SESSION|DSN|(^|_)PAT(_|$)|_PWD(_|$))/i;

export function looksSecret(name: string): boolean {
  return SECRET_NAME.test(name);
}
