import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Runtime } from '@temporalio/worker';
import type { MetricMeter } from '@temporalio/common';
import type { DockhandConfig } from '../../common/config';
import { logger } from '../../common/logger';

/**
 * Metrics and health for a worker process. The Temporal SDK's core exports its runtime metrics (and
 * Dockhand's, made with the same meter) in Prometheus text on a loopback port of its own; the
 * worker's public port (DOCKHAND_METRICS_PORT) serves that text at /metrics beside /healthz (the
 * process answers) and /readyz (it polls its queue), so one port carries all three.
 */
export interface Telemetry {
  /** Dockhand's metrics go through the SDK's meter (one exporter, one /metrics). */
  meter: MetricMeter;
  /** Starts the public endpoint; `ready` says whether the worker polls (for /readyz). */
  serve(ready: () => boolean): Promise<Server | undefined>;
}

/** Installs the SDK runtime with its Prometheus exporter; call before any Temporal connection. */
export async function installTelemetry(config: DockhandConfig, role: string): Promise<Telemetry> {
  if (config.metricsPort === undefined)
    return { meter: Runtime.instance().metricMeter, serve: () => Promise.resolve(undefined) };
  const sdkPort = await freeLoopbackPort();
  Runtime.install({
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `127.0.0.1:${sdkPort}`, countersTotalSuffix: true } },
    },
  });
  const sdkMetricsUrl = `http://127.0.0.1:${sdkPort}/metrics`;
  return {
    meter: Runtime.instance().metricMeter,
    async serve(ready) {
      const server = healthServer(sdkMetricsUrl, ready);
      await new Promise<void>((resolve, reject) =>
        server.once('error', reject).listen(config.metricsPort, '0.0.0.0', resolve),
      );
      logger.info({ port: config.metricsPort, role }, 'serving /metrics, /healthz and /readyz');
      return server;
    },
  };
}

/** The public endpoint: /metrics (the exporter's text, passed through), /healthz, /readyz. */
export function healthServer(sdkMetricsUrl: string, ready: () => boolean): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') return void res.writeHead(405, { allow: 'GET' }).end('GET only\n');
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    if (path === '/readyz') {
      const ok = ready();
      return void res
        .writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' })
        .end(ok ? 'ready\n' : 'not polling yet\n');
    }
    if (path === '/metrics') {
      fetch(sdkMetricsUrl, { signal: AbortSignal.timeout(5000) })
        .then(async (r) => {
          const text = await r.text();
          res.writeHead(r.ok ? 200 : 502, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
        })
        .catch((err: Error) =>
          res.writeHead(502, { 'content-type': 'text/plain' }).end(`metrics exporter: ${err.message}\n`),
        );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: /metrics, /healthz, /readyz\n');
  });
}

/** A loopback port nobody listens on now (the SDK exporter binds it right after). */
async function freeLoopbackPort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
