import { loadClientConfigProfile, type ClientConfigProfile } from '@temporalio/envconfig';

/**
 * A Temporal client configuration profile (the TOML file the Temporal CLI and SDKs share,
 * `~/.config/temporalio/temporal.toml` or TEMPORAL_CONFIG_FILE; profile `default` or TEMPORAL_PROFILE /
 * `dockhand --profile`), read with @temporalio/envconfig. Dockhand's own variables (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*) win over the profile, field by field — except
 * TLS, which comes whole from the variables when any TLS variable is set, else whole from the profile.
 * No file and no profile asked for: an empty profile (the variables and their defaults apply).
 */
export function temporalProfile(env: NodeJS.ProcessEnv): ClientConfigProfile {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) vars[k] = v;
  const profile = env.TEMPORAL_PROFILE || undefined;
  const where = env.TEMPORAL_CONFIG_FILE ?? 'the Temporal client config file (~/.config/temporalio/temporal.toml)';
  try {
    // disableEnv: the variables are merged by common/config.ts (Dockhand's names, its validation);
    // strict: a misspelt key in the file is an error, not a silently plain connection.
    return loadClientConfigProfile({
      ...(profile ? { profile } : {}),
      overrideEnvVars: vars,
      disableEnv: true,
      configFileStrict: true,
    });
  } catch (e) {
    const why = (e as Error).message;
    throw new Error(profile ? `TEMPORAL_PROFILE="${profile}": ${why} (${where})` : `${where}: ${why}`, { cause: e });
  }
}
