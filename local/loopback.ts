import type { Server } from 'node:http';
import { isIP } from 'node:net';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (::ffff:127.x.y.z), which a dual-stack socket reports. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const unmapped = address.toLowerCase().replace(/^::ffff:/, '');
  if (isIP(unmapped) === 4) return unmapped.startsWith('127.');
  return unmapped === '::1';
}

/**
 * Closes every connection that does not come from this machine. The servers listen on all
 * interfaces, so that "localhost" works whether a browser resolves it to 127.0.0.1 or ::1,
 * but the outbox (every email sent), the console and the /__local controls stay private.
 */
export function acceptLoopbackOnly(server: Server): void {
  server.on('connection', (socket) => {
    if (!isLoopbackAddress(socket.remoteAddress)) socket.destroy();
  });
}
