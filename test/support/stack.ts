import net from 'node:net';
import Docker from 'dockerode';
import { loadConfig } from '../../common/config';

/** Fails at once, clearly, when a real component is not up (integration tests never mock them). */
export async function assertStackUp(): Promise<void> {
  const config = loadConfig();
  const problems: string[] = [];
  await new Docker().ping().catch((e: Error) => problems.push(`Docker Engine: ${e.message}`));
  const [host, port] = config.temporalAddress.split(':');
  await tcpOpen(host!, Number(port)).catch((e: Error) =>
    problems.push(`Temporal at ${config.temporalAddress}: ${e.message}`),
  );
  const redis = new URL(config.redisUrl);
  await tcpOpen(redis.hostname, Number(redis.port || 6379)).catch((e: Error) =>
    problems.push(`Redis at ${config.redisUrl}: ${e.message}`),
  );
  if (problems.length === 0) {
    const images = await new Docker().listImages({ filters: { label: ['dockhand.fixture=true'] } });
    if (images.length < 5) problems.push(`fixture images: found ${images.length} of 5`);
  }
  if (problems.length)
    throw new Error(
      `the local stack is not up — run "npm run stack -- up" (npm test does):\n  ${problems.join('\n  ')}`,
    );
}

function tcpOpen(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port, timeout: 2000 }, () => (s.end(), resolve()));
    s.on('error', reject);
    s.on('timeout', () => (s.destroy(), reject(new Error('timeout'))));
  });
}
