import { once } from 'node:events';
import net from 'node:net';

/** A port nothing listens on right now (never 2024, which the machine's own LangGraph server holds). */
export async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
