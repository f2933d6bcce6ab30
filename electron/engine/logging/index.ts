/** Logging: one pino logger per process, one file per studio, the engine's lines copied into it. */
export { createLogger, LOG_FILE_MAX, LOG_FILES_KEPT, logsDir, openLogFile, processLogger, silentLogger, useProcessLogger, type StudioLogger } from './studio-log.js';
export { logJobEvent } from './job-log.js';
