// A pass-through HTTP proxy in front of a target, for tests that must see or act on the traffic
// without trusting the runner to report it: `onAnswer` sees each answer before it is forwarded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

export interface SeenAnswer {
  method: string;
  path: string;
  status: number;
  body: Buffer;
}

export async function passThroughProxy(
  targetUrl: string,
  onAnswer: (answer: SeenAnswer) => Promise<void> | void,
): Promise<{ url: string; close: () => void }> {
  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const upstream = await request(`${targetUrl}${req.url}`, {
      method: req.method as 'GET',
      headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'connection')) as Record<
        string,
        string
      >,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.body.arrayBuffer());
    await onAnswer({ method: req.method ?? '', path: req.url ?? '', status: upstream.statusCode, body });
    const headers = { ...upstream.headers };
    for (const h of ['transfer-encoding', 'connection', 'keep-alive']) delete headers[h];
    res.writeHead(upstream.statusCode, headers as Record<string, string>);
    res.end(body);
  };
  // A client that went away (a killed run) or a target that closed is the end of that request.
  const server = createServer((req, res) => void forward(req, res).catch(() => res.destroy()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
