import { statSync } from 'node:fs';
import { loadServiceFile, type LoadedServiceFile } from '../../client/service-file';
import { logger } from '../../common/logger';

/**
 * The service file as the trigger sees it: read at start (a bad or missing file stops the trigger
 * with the error), read again when its modification time changes. An edit that does not validate
 * is logged and ignored — the last valid version keeps serving — so a typo never stops CI.
 */
export class ServiceFileSource {
  private loaded: LoadedServiceFile;
  private mtimeMs: number;

  constructor(readonly path: string) {
    this.loaded = loadServiceFile(path);
    this.mtimeMs = statSync(path).mtimeMs;
  }

  current(): LoadedServiceFile {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.path).mtimeMs;
    } catch (e) {
      logger.error(
        { path: this.path, err: (e as Error).message },
        'service file unreadable; keeping the last valid one',
      );
      return this.loaded;
    }
    if (mtimeMs === this.mtimeMs) return this.loaded;
    this.mtimeMs = mtimeMs;
    try {
      this.loaded = loadServiceFile(this.path);
      logger.info({ path: this.path, sha256: this.loaded.sha256 }, 'service file reloaded');
    } catch (e) {
      logger.error({ path: this.path, err: (e as Error).message }, 'service file invalid; keeping the last valid one');
    }
    return this.loaded;
  }
}
