import {
  REGISTRY_FIXTURE_IMAGES,
  STACK_TEST_HOSTS,
  checkTestHostsOptions,
  testHostsDown,
  testHostsUp,
} from '../cli/lib/test-hosts';

/** The test hosts of the local stack, run by scripts/stack.sh (`up --hosts N`, `down`): see
 * cli/lib/test-hosts.ts and docs/fleet-hosts.md. The agents inherit this process's environment. */
async function main(): Promise<void> {
  const [verb, count] = process.argv.slice(2);
  const log = (line: string) => console.error(`[stack] ${line}`);
  if (verb === 'down') {
    await testHostsDown(STACK_TEST_HOSTS);
    log('test hosts: none');
    return;
  }
  if (verb !== 'up') throw new Error('usage: test-hosts.ts up <hosts> | down');
  const options = { ...STACK_TEST_HOSTS, count: Number(count), images: REGISTRY_FIXTURE_IMAGES, log };
  checkTestHostsOptions(options);
  const up = await testHostsUp(options);
  for (const h of up.hosts)
    console.log(
      `host      ${h.hostId.padEnd(8)} DOCKER_HOST=${h.engine.dockerHost}  published ports on ${h.engine.address}`,
    );
  console.log(`registry  ${up.registry}  (${up.pushed.map((p) => p.source).join(' ')})`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`[stack] error: ${err.message}`);
    process.exit(1);
  },
);
