import type { ContainerSpecInput } from '../../common/spec/container-spec';

export interface SpecOptions {
  image: string;
  port?: string[];
  env?: string[];
  network?: string;
  init?: boolean;
}

/** Turns repeatable CLI flags into a spec input (the schema validates it afterwards).
 * --port [hostIp:][hostPort:]containerPort[/proto], --env NAME=value */
export function specFromOptions(o: SpecOptions): ContainerSpecInput {
  const env: Record<string, string> = {};
  for (const kv of o.env ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new Error(`--env "${kv}": expected NAME=value`);
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return { image: o.image, env, network: o.network, init: o.init, ports: (o.port ?? []).map(parsePort) };
}

export function parsePort(text: string): NonNullable<ContainerSpecInput['ports']>[number] {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):)?(?:(\d+):)?(\d+)(?:\/(tcp|udp))?$/.exec(text);
  if (!m) throw new Error(`--port "${text}": expected [hostIp:][hostPort:]containerPort[/tcp|udp], e.g. 127.0.0.1:8080:80`);
  return { hostIp: m[1], host: m[2] === undefined ? undefined : Number(m[2]), container: Number(m[3]), protocol: (m[4] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}
