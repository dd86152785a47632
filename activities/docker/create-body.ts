import type Docker from 'dockerode';
import type { ContainerSpec } from '../../common/spec/container-spec';
import { needsUserNetwork } from '../../common/spec/network-mode';

const MS_TO_NS = 1_000_000;


/**
 * The Engine's create body for a validated spec: the plan only, nothing runs here. `env` holds the
 * resolved environment (plain and secret values) because the Engine needs clear text; the caller
 * never returns this body to a workflow.
 */
export function toCreateBody(spec: ContainerSpec, name: string, labels: Record<string, string>, env: Record<string, string>): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of spec.ports) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp ?? '', HostPort: p.host ? String(p.host) : '' });
  }
  const hc = spec.healthcheck;
  const network = spec.network ?? 'bridge';
  return {
    name,
    Image: spec.image,
    Cmd: spec.command,
    Entrypoint: spec.entrypoint,
    Env: Object.keys(env).sort().map((k) => `${k}=${env[k]}`),
    WorkingDir: spec.workingDir,
    User: spec.user,
    Labels: { ...spec.labels, ...labels },
    ExposedPorts: spec.ports.length ? exposed : undefined,
    StopSignal: spec.stopSignal,
    StopTimeout: spec.stopTimeout,
    Healthcheck: hc && {
      Test: typeof hc.test === 'string' ? ['CMD-SHELL', hc.test] : hc.test,
      Interval: hc.interval !== undefined ? hc.interval * MS_TO_NS : undefined,
      Timeout: hc.timeout !== undefined ? hc.timeout * MS_TO_NS : undefined,
      StartPeriod: hc.startPeriod !== undefined ? hc.startPeriod * MS_TO_NS : undefined,
      Retries: hc.retries,
    },
    HostConfig: {
      Init: spec.init,
      RestartPolicy: spec.restart && { Name: spec.restart.policy, MaximumRetryCount: spec.restart.maxRetries },
      PortBindings: spec.ports.length ? bindings : undefined,
      NetworkMode: network,
    },
    NetworkingConfig: !needsUserNetwork(spec.network)
      ? undefined
      : { EndpointsConfig: { [network]: { Aliases: spec.networkAliases.length ? spec.networkAliases : undefined } } },
  };
}
