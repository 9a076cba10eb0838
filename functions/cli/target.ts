import { applyLocalEnvironment, heraldHome, type LocalConfig, readLocalConfig } from '#local/environment.ts';

/** The stack a command talks to: the running local stack, found through `$HERALD_HOME/local.json`. */
export function localTarget(): LocalConfig {
  const config = readLocalConfig(heraldHome());
  applyLocalEnvironment(config);
  return config;
}
