import pino from 'pino';
import { readVariable } from './config';

/** The process logger (JSON lines; LOG_LEVEL sets the level). Never log a spec's resolved env. */
export const logger = pino({ level: readVariable('LOG_LEVEL'), base: { pid: process.pid } });
