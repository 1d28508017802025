import type { FastifyInstance } from 'fastify';

export interface ListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
}

/** Where an emulator listens, and how to stop it. */
export interface Listening {
  /** `http://<host>:<port>` without a trailing slash; an IPv6 host in brackets. */
  url: string;
  /** The bound port, the picked one when 0 was asked for. */
  port: number;
  close(): Promise<void>;
}

/** Starts serving an emulator's app and says where it answers. */
export async function listen(app: FastifyInstance, opts: ListenOptions = {}): Promise<Listening> {
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: async () => {
      await app.close();
    },
  };
}
