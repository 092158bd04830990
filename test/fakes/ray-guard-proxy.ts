// A reverse proxy that applies current Ray's request rules in front of any dashboard (the fake, or an
// older real Ray): the browser guard of python/ray/_private/browser_request_middleware.py and the 100 MiB
// body cap of aiohttp's client_max_size (ray_constants.DASHBOARD_CLIENT_MAX_SIZE, set in
// python/ray/dashboard/http_server_head.py), both via the fake server's rayBrowserGuard. WebSocket
// upgrades are guarded the same way, then piped through.
import * as http from 'node:http';
import * as net from 'node:net';
import { CURRENT_RAY, rayBrowserGuard } from './ray-jobs-server';

export interface GuardProxy {
  readonly url: string;
  /** Requests it refused: method, path and status. */
  readonly refused: { method: string; path: string; status: number }[];
  close(): Promise<void>;
}

export async function startRayGuardProxy(
  target: string,
  opts: { rayVersion?: string; maxBodyBytes?: number } = {},
): Promise<GuardProxy> {
  const up = new URL(target);
  const version = opts.rayVersion ?? CURRENT_RAY;
  const maxBody = opts.maxBodyBytes ?? 100 * 1024 * 1024;
  const refused: GuardProxy['refused'] = [];
  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    const denied = rayBrowserGuard(req, version, p);
    const length = Number(req.headers['content-length'] ?? 0);
    const refuse = (status: number, text: string) => {
      refused.push({ method: req.method ?? 'GET', path: p, status });
      req.resume();
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(text);
    };
    if (denied) return refuse(denied[0], denied[1]);
    // aiohttp web_exceptions.HTTPRequestEntityTooLarge's text
    if (length > maxBody)
      return refuse(413, `Maximum request body size ${maxBody} exceeded, actual body size ${length}`);
    const fwd = http.request(
      { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    const denied = rayBrowserGuard(req, version, p);
    if (denied) {
      refused.push({ method: 'GET (upgrade)', path: p, status: denied[0] });
      return socket.end(
        `HTTP/1.1 ${denied[0]} ${http.STATUS_CODES[denied[0]]}\r\nContent-Length: ${Buffer.byteLength(denied[1])}\r\nConnection: close\r\n\r\n${denied[1]}`,
      );
    }
    const conn = net.connect(Number(up.port), up.hostname, () => {
      const lines = [
        `${req.method} ${req.url} HTTP/1.1`,
        ...Array.from(
          { length: req.rawHeaders.length / 2 },
          (_, i) => `${req.rawHeaders[2 * i]}: ${req.rawHeaders[2 * i + 1]}`,
        ),
      ];
      conn.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) conn.write(head);
      socket.pipe(conn).pipe(socket);
    });
    conn.on('error', () => socket.destroy());
    socket.on('error', () => conn.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    refused,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
