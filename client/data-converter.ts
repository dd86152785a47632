import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { DockhandConfig } from '../common/config';
import { AesGcmCodec } from '../common/codec/aes-gcm-codec';
import { parseKeyring, type Keyring } from '../common/codec/keyring';

/** The keyring the configuration names (DOCKHAND_CODEC_KEYS or DOCKHAND_CODEC_KEY_FILE), or undefined
 * when payloads stay in clear. The file is read now: a rotated key file is picked up by the next start. */
export function loadKeyring(config: Pick<DockhandConfig, 'codecKeys'>): Keyring | undefined {
  const source = config.codecKeys;
  if (!source) return undefined;
  if ('text' in source) return parseKeyring(source.text, 'DOCKHAND_CODEC_KEYS');
  let text: string;
  try {
    text = readFileSync(source.file, 'utf8');
  } catch (e) {
    throw new Error(
      `DOCKHAND_CODEC_KEY_FILE: cannot read ${source.file} (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      { cause: e },
    );
  }
  return parseKeyring(text, `DOCKHAND_CODEC_KEY_FILE (${source.file})`);
}

/** The failure converter of encrypted payloads, by path: workers load it into the workflow bundle too
 * (Dockhand runs its TypeScript through tsx, and the workflow bundler reads .ts). */
export const FAILURE_CONVERTER_PATH = path.join(__dirname, '..', 'common', 'codec', 'failure-converter.ts');

/**
 * The one data converter of every Temporal client and worker of Dockhand (CLI, orchestrator, host
 * agent, trigger, codec server, bench and chaos clients): with keys configured, every payload is
 * encrypted (AES-256-GCM) and failure texts move into encrypted payloads too; without keys, the SDK's
 * default (clear). All parties must share the keys, or they cannot read each other's payloads.
 */
export function dockhandDataConverter(config: Pick<DockhandConfig, 'codecKeys'>): DataConverter | undefined {
  const keys = loadKeyring(config);
  if (!keys) return undefined;
  return {
    payloadCodecs: [new AesGcmCodec(keys)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
