import type { Command } from 'commander';
import {
  loadServiceFile,
  loadServiceFileIfPresent,
  serviceFilePath,
  type LoadedServiceFile,
} from '../../client/service-file';

/** The global --config flag (else DOCKHAND_CONFIG, else ./dockhand.yml). */
export function configFlag(command: Command): string | undefined {
  return command.optsWithGlobals<{ config?: string }>().config;
}

/** The service file a command works from; a missing file is an error naming where it was looked for. */
export function requireServiceFile(command: Command): LoadedServiceFile {
  return loadServiceFile(serviceFilePath(configFlag(command)));
}

/** The service file, or undefined when there is none (flags-only use keeps working). */
export function optionalServiceFile(command: Command): LoadedServiceFile | undefined {
  return loadServiceFileIfPresent(serviceFilePath(configFlag(command)));
}
