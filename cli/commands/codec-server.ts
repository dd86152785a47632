import type { Command } from 'commander';
import { loadConfig } from '../../common/config';
import { AesGcmCodec } from '../../common/codec/aes-gcm-codec';
import { loadKeyring } from '../../client/data-converter';
import { createCodecServer } from '../../client/codec-server';
import { examples } from '../lib/examples';
import { int } from '../lib/parsers';
import { emit } from '../lib/envelope';

export function registerCodecServer(program: Command): void {
  const command = program
    .command('codec-server')
    .description(
      'serve the payload codec over HTTP so the Temporal Web UI shows decrypted payloads (DOCKHAND_CODEC_KEYS or _KEY_FILE; Ctrl-C ends)',
    )
    .option('--port <port>', 'port to listen on', int, 8234)
    .option('--host <address>', 'address to listen on (whoever reaches it can decrypt)', '127.0.0.1')
    .option('--origin <url...>', 'Web UI origins allowed to call it (CORS); default TEMPORAL_UI_URL')
    .option('--json', 'print the listening line as a JSON envelope {ok, result: {url, keyIds, encryptsWith}}')
    .action(async (o: { port: number; host: string; origin?: string[]; json?: boolean }) => {
      const config = loadConfig();
      const keys = loadKeyring(config);
      if (!keys) throw new Error('no payload keys: set DOCKHAND_CODEC_KEYS or DOCKHAND_CODEC_KEY_FILE');
      const server = createCodecServer(new AesGcmCodec(keys), { origins: o.origin ?? [config.temporalUiUrl] });
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(o.port, o.host, resolve));
      const url = `http://${o.host}:${o.port}`;
      const keyIds = [...keys.byId.keys()];
      emit(
        o.json,
        { url, keyIds, encryptsWith: keys.current.id },
        `codec server listening on ${url} (keys: ${keyIds.join(', ')}; encrypting with ${keys.current.id})`,
      );
      await new Promise<void>((resolve) => ['SIGINT', 'SIGTERM'].forEach((s) => process.once(s, () => resolve())));
      await new Promise((r) => server.close(r));
    });
  examples(command, 'dockhand codec-server', 'dockhand codec-server --port 8234 --origin http://127.0.0.1:8233');
}
