/** Whether the CI environment variable says this runs in CI (set, and not "", "0" or "false"). */
export function isCI(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
}
