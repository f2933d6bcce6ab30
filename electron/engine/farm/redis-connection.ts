import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { RedisOptions } from 'bullmq';
import { StudioError } from '../errors.js';

/** Environment variables a farm reads, so no secret need appear in a command line. */
export const FARM_ENV = {
  /** The Redis URL, when --redis is not given. */
  url: 'GAN_FARM_REDIS',
  /** The password, when the URL holds none. */
  password: 'GAN_FARM_REDIS_PASSWORD',
  /** A PEM file of the certificate authority that signed a rediss:// server's certificate. */
  ca: 'GAN_FARM_REDIS_CA',
} as const;

export interface FarmRedis {
  options: RedisOptions;
  /** The URL without its password, for messages and logs. */
  shown: string;
}

/**
 * Connection options from `redis://[user:password@]host[:port][/db]` or `rediss://...` (TLS,
 * verified against the system's authorities or GAN_FARM_REDIS_CA). Every command waits for a
 * reconnect instead of failing (`maxRetriesPerRequest: null`, as BullMQ's workers need), so a
 * Redis restart pauses a batch rather than ending it.
 */
export function farmRedis(url: string | undefined, env: NodeJS.ProcessEnv = process.env): FarmRedis {
  const text = url ?? env[FARM_ENV.url];
  if (text === undefined || text === '') {
    throw new StudioError('BAD_ARGUMENT', `no Redis URL: pass --redis redis://host:6379 or set ${FARM_ENV.url}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new StudioError('BAD_ARGUMENT', `"${redact(text)}" is not a Redis URL (redis://host:port or rediss://host:port)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new StudioError('BAD_ARGUMENT', `a Redis URL starts with redis:// or rediss:// (TLS), not ${parsed.protocol}//`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,2}$/.test(db)) throw new StudioError('BAD_ARGUMENT', `the Redis database in the URL must be a number, got "${db}"`);
  const password = parsed.password !== '' ? decodeURIComponent(parsed.password) : env[FARM_ENV.password];
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(password === undefined || password === '' ? {} : { password }),
    ...(db === '' ? {} : { db: Number(db) }),
    maxRetriesPerRequest: null,
    // Back off to a retry every 2 s while Redis is away.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
  if (parsed.protocol === 'rediss:') {
    const caFile = env[FARM_ENV.ca];
    // SNI carries host names only (RFC 6066); an IP address is checked against the certificate as it is.
    options.tls = { ...(isIP(options.host ?? '') === 0 ? { servername: options.host } : {}), ...(caFile === undefined || caFile === '' ? {} : { ca: readCa(caFile) }) };
  }
  return { options, shown: redact(text) };
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new StudioError('BAD_ARGUMENT', `${FARM_ENV.ca}=${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A URL with its password replaced, so that logs and messages never show it. */
export function redact(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

interface Connecting {
  waitUntilReady(): Promise<unknown>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** Redis answers these at once when the password is wrong or missing: no point in retrying. */
const AUTH_FAILURE = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i;
/** A certificate that does not verify will not verify on the next try either. */
const TLS_FAILURE = /self.signed|certificate|unable to verify|ERR_TLS|wrong version number/i;

/**
 * Waits until a BullMQ queue, worker or event reader is connected, failing with
 * FARM_UNREACHABLE (naming the server, never the password, and the last cause) when the password
 * is refused or the server does not answer within `timeoutMs`. Later connection errors are
 * retried quietly: a Redis restart pauses the farm instead of ending it.
 */
export async function whenConnected(what: Connecting, redis: FarmRedis, timeoutMs = 10_000): Promise<void> {
  let last: Error | undefined;
  let fail: ((err: Error) => void) | undefined;
  const refused = new Promise<never>((_, reject) => (fail = reject));
  what.on('error', (err) => {
    last = err;
    if (AUTH_FAILURE.test(err.message) || TLS_FAILURE.test(err.message)) fail?.(err);
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(last ?? new Error(`no answer in ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  try {
    await Promise.race([what.waitUntilReady(), refused, late]);
  } catch (err) {
    const cause = err instanceof Error ? err.message : String(err);
    const hint = AUTH_FAILURE.test(cause)
      ? ' (check the password in the URL or GAN_FARM_REDIS_PASSWORD)'
      : TLS_FAILURE.test(cause)
        ? ` (is the server's certificate signed by the authority in ${FARM_ENV.ca}?)`
        : '';
    throw new StudioError('FARM_UNREACHABLE', `cannot reach the farm's Redis at ${redis.shown}: ${cause}${hint}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
