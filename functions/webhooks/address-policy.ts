import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not go: private, loopback, link-local (the instance metadata service is
 * 169.254.169.254 and fd00:ec2::254), carrier-grade NAT, documentation, multicast, reserved.
 * Checked on the addresses a name resolves to, at registration and before every attempt.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
// Ranges that carry an IPv4 address inside (IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo) are refused
// whole: the embedded address could be any of the private ones above. (IPv4-mapped addresses are
// checked as the IPv4 address they are, below.)
for (const [network, prefix] of [
  ['::', 96],
  ['::ffff:0:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * `::ffff:10.0.0.1`, also written `::ffff:a00:1`, is 10.0.0.1: the embedded IPv4 address is what
 * a connection reaches, so it is checked as one.
 */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return { address: dotted[1]!, family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
    return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' };
  }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export interface AddressPolicy {
  /** Only for local development: loopback addresses are allowed (a receiver on this machine). */
  allowLoopback: boolean;
}

/** Why this address may not receive webhooks, or undefined if it may. */
export function forbiddenAddressReason(address: string, policy: AddressPolicy): string | undefined {
  if (!isIP(address)) return 'not an IP address';
  const { address: plain, family } = unmapped(address);
  if (policy.allowLoopback && LOOPBACK.check(plain, family)) return undefined;
  if (FORBIDDEN.check(plain, family)) return 'a private, loopback, link-local or reserved address';
  return undefined;
}
