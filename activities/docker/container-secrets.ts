import type Docker from 'dockerode';
import { Labels } from '../../common/labels';
import { boundTail, redactText } from '../../common/redact';

/** How much of a container's output a failure carries: enough to see why it died, never a dump. */
const OUTPUT_LINES = 20;
const OUTPUT_LINE_CHARS = 300;

/** The secret values a container runs with: its env values whose names the `dockhand.secret-env` label
 * lists (set at create from secretEnv and env files). Read from the engine on the agent only. */
export function secretValuesOf(inspect: Pick<Docker.ContainerInspectInfo, 'Config'>): string[] {
  const names = new Set((inspect.Config?.Labels?.[Labels.secretEnv] ?? '').split(',').filter(Boolean));
  if (names.size === 0) return [];
  return (inspect.Config.Env ?? []).flatMap((e) => {
    const eq = e.indexOf('=');
    return eq > 0 && names.has(e.slice(0, eq)) ? [e.slice(eq + 1)] : [];
  });
}

/** A container's output as it may leave the agent (failure texts, history): the last lines, each
 * bounded, its secret values and anything that looks like a secret redacted. */
export function reportableOutput(text: string, secrets: string[]): string {
  return boundTail(redactText(text, secrets), OUTPUT_LINES, OUTPUT_LINE_CHARS);
}
