// `gibbon serve`: the browser app (dist/app/, built by npm run build) over HTTP on 127.0.0.1, with the
// headers it needs: cross-origin isolation (COOP same-origin + COEP require-corp, so SharedArrayBuffer and
// wasm threads are available), the wasm MIME type (streaming compilation) and no caching (a rebuilt app
// is picked up on reload). Any static server can host dist/app/ too (docs/app.md §1).
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GibbonError } from '../util/errors.ts';

export const DEFAULT_PORT = 8417;
const LOOPBACK = '127.0.0.1';

export const SERVE_HELP = `gibbon serve [options]

Serves the browser app (docs/app.md): the search, the simulate panel and the run viewer in a tab.

  --port <n>      TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <addr>   address to listen on (default ${LOOPBACK}: this machine only; 0.0.0.0 exposes the app
                  to the network)
  --open          open the app in the default browser
  --dir <dir>     the app directory to serve (default: dist/app of this package)
`;

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.bin': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml',
};

/** Headers on every response: cross-origin isolation, no sniffing, no caching. */
export const APP_HEADERS: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

/** dist/app next to the bundle (dist/cli.js) or, from the sources (src/cli/serve.ts), in dist/. */
export function appDir(): string {
  for (const u of [new URL('./app/', import.meta.url), new URL('../../dist/app/', import.meta.url)]) {
    const dir = fileURLToPath(u);
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  throw new GibbonError('E_FILE', 'dist/app/index.html: got no such file; allowed: the built app (run `npm run build`)');
}

function portOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PORT;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < 0 || v > 65535) throw new GibbonError('E_OPTION', `--port: got ${JSON.stringify(raw)}; allowed: an integer in 0..65535`);
  return v;
}

/** The file under `root` a request path names, or undefined (outside root, missing, a directory). */
function fileFor(root: string, urlPath: string): string | undefined {
  let path: string;
  try { path = decodeURIComponent(urlPath.split('?')[0]); } catch { return undefined; }
  if (path.endsWith('/')) path += 'index.html';
  const file = normalize(join(root, path));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

export interface AppServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export function startAppServer(options: { root?: string; port?: number; host?: string } = {}): Promise<AppServer> {
  const root = options.root ?? appDir();
  const host = options.host ?? LOOPBACK;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405, { ...APP_HEADERS, allow: 'GET, HEAD' }); res.end(); return; }
    const file = fileFor(root, req.url ?? '/');
    if (file === undefined) { res.writeHead(404, { ...APP_HEADERS, 'content-type': 'text/plain; charset=utf-8' }); res.end('not found\n'); return; }
    const body = readFileSync(file);
    res.writeHead(200, { ...APP_HEADERS, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new GibbonError('E_OPTION', `--port: got ${options.port ?? DEFAULT_PORT} on ${host}, which cannot be listened on (${e.code ?? e.message}); allowed: a free port (0 picks one)`));
    });
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      const { port } = server.address() as { port: number };
      const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? LOOPBACK : host;
      resolve({ url: `http://${shown}:${port}/`, server, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) });
    });
  });
}

/** Opens `url` in the desktop's browser; a failure prints a line (the server keeps running). */
function openBrowser(url: string, print: (s: string) => void): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => print(`could not start ${cmd}; open ${url} yourself`));
  child.unref();
}

/** Runs `gibbon serve` until the process is stopped; returns the server (tests close it). */
export async function runServeCommand(argv: string[], print: (s: string) => void): Promise<AppServer | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, host: { type: 'string' }, open: { type: 'boolean' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true, allowPositionals: false,
  });
  if (values.help) { print(SERVE_HELP); return undefined; }
  let root: string | undefined;
  if (values.dir !== undefined) {
    root = resolve(values.dir);
    if (!existsSync(join(root, 'index.html'))) throw new GibbonError('E_FILE', `--dir: got ${JSON.stringify(values.dir)}; allowed: a directory holding the built app (index.html; npm run build writes dist/app)`);
  }
  const app = await startAppServer({ root, port: portOf(values.port), host: values.host });
  print(`gibbon app: ${app.url} (Ctrl+C stops)`);
  if (values.open) openBrowser(app.url, print);
  return app;
}
