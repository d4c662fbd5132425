import { networkInterfaces } from 'node:os';
import { isLoopbackAddress } from '../../local/loopback';
import { localStackForTest } from '../support/local-stack-harness';

/** This machine's first address on a real network interface, if it has one. */
const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

describe('who the local stack answers', () => {
  it('tells loopback addresses from the others, IPv4-mapped ones included', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.0.0.2']) {
      expect(isLoopbackAddress(address)).toBe(true);
    }
    for (const address of ['192.0.2.2', '::ffff:192.0.2.2', 'fd00::2', '10.0.0.1', '::', '', undefined, 'localhost']) {
      expect(isLoopbackAddress(address)).toBe(false);
    }
  });

  // Needs an address on a non-loopback interface to connect from; CI machines and laptops have one.
  (networkAddress ? it : it.skip)('serves this machine only, unless it is opened to the network', async () => {
    const closed = await localStackForTest();
    const open = await localStackForTest({}, { openToNetwork: true });
    try {
      const viaNetwork = (base: string) => base.replace('localhost', networkAddress!);
      expect((await fetch(`${closed.base}/`)).status).toBe(200);
      await expect(fetch(`${viaNetwork(closed.base)}/`)).rejects.toThrow();
      await expect(fetch(`${viaNetwork(closed.base)}/__local/status`)).rejects.toThrow();
      expect((await fetch(`${viaNetwork(open.base)}/`)).status).toBe(200);
    } finally {
      await Promise.all([closed.stop(), open.stop()]);
    }
  });
});
