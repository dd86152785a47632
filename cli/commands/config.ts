import type { Command } from 'commander';
import { z } from 'zod';
import { ServiceFileError, resolveDeploy, serviceHosts } from '../../common/service-file/resolve';
import { ServiceFile } from '../../common/service-file/schema';
import { emit } from '../lib/envelope';
import { examples } from '../lib/examples';
import { requireServiceFile } from '../lib/service-file';

/** `dockhand config check | show <service> | schema`: the service file (dockhand.yml). */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('the service file (dockhand.yml): check, show, schema');
  examples(config, 'dockhand config check', 'dockhand --config deploy/dockhand.yml config show web');

  const check = config
    .command('check')
    .description('validate the service file and resolve every service on every host; exit 1 naming file:line:path')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(function (this: Command, o: { json?: boolean }) {
      const loaded = requireServiceFile(this);
      const problems: string[] = [];
      for (const name of Object.keys(loaded.file.services)) {
        for (const host of serviceHosts(loaded.file, name)) {
          try {
            resolveDeploy(loaded.file, name, { host, origin: { source: 'cli', requestedBy: 'config check' } });
          } catch (e) {
            if (!(e instanceof ServiceFileError)) throw e;
            problems.push(loaded.explain(e));
          }
        }
      }
      if (problems.length) throw new Error([...new Set(problems)].join('\n'));
      const services = Object.keys(loaded.file.services);
      emit(
        o.json,
        { file: loaded.path, services, hosts: Object.keys(loaded.file.hosts) },
        `${loaded.path}: ok — ${services.length} service(s) (${services.join(', ')}) on ${Object.keys(loaded.file.hosts).length} host(s)`,
      );
    });
  examples(check, 'dockhand config check', 'DOCKHAND_CONFIG=staging.yml dockhand config check --json');

  const show = config
    .command('show')
    .description('print the resolved service: the workflow and the input a deploy of it starts with')
    .argument('<service>')
    .option('--host <id>', "the host to resolve for (default: the service's only host)")
    .option('--image <ref>', 'resolve as a deploy of this image')
    .option('--json', 'print one JSON envelope {ok, workflowId, url, result | error}')
    .action(function (this: Command, service: string, o: { host?: string; image?: string; json?: boolean }) {
      const loaded = requireServiceFile(this);
      try {
        const r = resolveDeploy(loaded.file, service, {
          ...(o.host ? { host: o.host } : {}),
          ...(o.image ? { image: o.image } : {}),
          origin: { source: 'cli', requestedBy: 'config show' },
        });
        const { origin: _origin, ...input } = r.input;
        const shown = { service, strategy: r.strategy, workflow: r.workflowType, host: r.host, input };
        emit(o.json, shown, () => JSON.stringify(shown, null, 2));
      } catch (e) {
        throw e instanceof ServiceFileError ? new Error(loaded.explain(e)) : e;
      }
    });
  examples(show, 'dockhand config show web', 'dockhand config show web --host vm-2 --image web:v3');

  const schema = config
    .command('schema')
    .description('print the JSON Schema of the service file (for editor completion; the schema itself, no envelope)')
    .action(() => {
      console.log(JSON.stringify(serviceFileJsonSchema(), null, 2));
    });
  examples(schema, 'dockhand config schema > dockhand.schema.json');
}

/** The service file's JSON Schema, generated from the zod schema (what a user writes: io "input"). */
export function serviceFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ServiceFile, { io: 'input', unrepresentable: 'any' }),
    title: 'Dockhand service file (dockhand.yml)',
  };
}
