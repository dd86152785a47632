import pino from 'pino';

/** The process logger (JSON lines; LOG_LEVEL sets the level). Never log a spec's resolved env. */
export const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { pid: process.pid } });
