// The Redis URL of `--redis` as ioredis connection options (Node-only). Accepted:
//   redis://[[user]:password@]host[:port][/db]     plain TCP (keep it on a private network)
//   rediss://[[user]:password@]host[:port][/db]    TLS; the server certificate is checked against the
//                                                  system CAs plus NODE_EXTRA_CA_CERTS
// The password never appears in a message: errors and progress lines name the server by redisLabel().
import { GibbonError } from '../../util/errors.ts';

export interface RedisConnectionOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: { servername: string };
  /** BullMQ's blocking connections require null (retry forever instead of failing a command). */
  maxRetriesPerRequest: null;
  /** Fail a first connection after this long instead of retrying silently. */
  connectTimeout: number;
}

export const DEFAULT_REDIS_PORT = 6379;
const CONNECT_TIMEOUT_MS = 10_000;
const ALLOWED = 'redis://[user:password@]host[:port][/db] or rediss://... (TLS)';

/** host:port (and "TLS"), without credentials: what messages show of a Redis URL. */
export function redisLabel(o: RedisConnectionOptions): string {
  return `${o.host}:${o.port}${o.tls ? ' (TLS)' : ''}`;
}

/** Parses `url`; `flag` names it in the one-line error. */
export function redisOptionsOf(url: string, flag = '--redis'): RedisConnectionOptions {
  let u: URL;
  // Never echo the raw value: it may hold a password.
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  try { u = new URL(url); } catch {
    throw new GibbonError('E_OPTION', `${flag}: got ${JSON.stringify(shown)}; allowed: ${ALLOWED}`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new GibbonError('E_OPTION', `${flag}: got the scheme ${JSON.stringify(u.protocol)}; allowed: ${ALLOWED}`);
  }
  if (u.hostname === '') throw new GibbonError('E_OPTION', `${flag}: got ${JSON.stringify(shown)} (no host); allowed: ${ALLOWED}`);
  const port = u.port === '' ? DEFAULT_REDIS_PORT : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15 || !/^\d*$/.test(dbText)) {
    throw new GibbonError('E_OPTION', `${flag}: got the database ${JSON.stringify(dbText)}; allowed: an integer in 0..15 after the host, e.g. redis://host:6379/0`);
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RedisConnectionOptions = { host, port, db, maxRetriesPerRequest: null, connectTimeout: CONNECT_TIMEOUT_MS };
  if (u.username !== '') options.username = decodeURIComponent(u.username);
  if (u.password !== '') options.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') options.tls = { servername: host };
  return options;
}
