import { posterOptionsFrom } from '../../functions/lambdas/webhook-deliverer/wiring';
import { forbiddenAddressReason } from '../../functions/webhooks/address-policy';

const strict = { allowLoopback: false };

describe('where a webhook may not go', () => {
  it.each([
    ['private IPv4', '10.0.0.1'],
    ['instance metadata', '169.254.169.254'],
    ['loopback', '127.0.0.1'],
    ['IPv6 loopback', '::1'],
    ['the unspecified address', '::'],
    ['IPv4-mapped private, dotted', '::ffff:192.168.1.5'],
    ['IPv4-mapped private, in hex', '::ffff:a00:1'],
    ['IPv4-compatible (deprecated)', '::10.0.0.1'],
    ['IPv4-translated (SIIT)', '::ffff:0:a00:1'],
    ['NAT64 well-known prefix', '64:ff9b::a00:1'],
    ['NAT64 local-use prefix', '64:ff9b:1::a00:1'],
    ['6to4 wrapping a private address', '2002:a00:1::1'],
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['unique-local (AWS metadata over IPv6)', 'fd00:ec2::254'],
    ['link-local', 'fe80::1'],
    ['site-local (deprecated)', 'fec0::1'],
    ['multicast', 'ff02::1'],
  ])('refuses %s (%s)', (_label, address) => {
    expect(forbiddenAddressReason(address, strict)).toBe('a private, loopback, link-local or reserved address');
  });

  it.each([
    ['public IPv4', '93.184.216.34'],
    ['public IPv4, mapped and dotted', '::ffff:93.184.216.34'],
    ['public IPv4, mapped in hex', '::ffff:5db8:d822'],
    ['public IPv6', '2606:2800:220:1:248:1893:25c8:1946'],
  ])('lets %s receive (%s)', (_label, address) => {
    expect(forbiddenAddressReason(address, strict)).toBeUndefined();
  });

  it('allows loopback only in local development, and never the other private ranges', () => {
    const local = { allowLoopback: true };
    expect(forbiddenAddressReason('127.0.0.1', local)).toBeUndefined();
    expect(forbiddenAddressReason('::1', local)).toBeUndefined();
    expect(forbiddenAddressReason('10.0.0.1', local)).toBeDefined();
    expect(forbiddenAddressReason('169.254.169.254', local)).toBeDefined();
  });

  it('refuses what is not an IP address', () => {
    expect(forbiddenAddressReason('crm.example', strict)).toBe('not an IP address');
  });
});

describe('local development of webhooks', () => {
  it('is refused inside Lambda, naming the setting', () => {
    expect(() =>
      posterOptionsFrom({ WEBHOOKS_LOCAL_DEVELOPMENT: true }, {}, { AWS_LAMBDA_FUNCTION_NAME: 'webhook-deliverer' }),
    ).toThrow(/WEBHOOKS_LOCAL_DEVELOPMENT is for the local stack only/);
  });

  it('opens http:// and loopback on the local stack only', () => {
    expect(posterOptionsFrom({ WEBHOOKS_LOCAL_DEVELOPMENT: true }, {}, {})).toMatchObject({
      allowHttp: true,
      allowLoopback: true,
    });
    expect(
      posterOptionsFrom({ WEBHOOKS_LOCAL_DEVELOPMENT: false }, {}, { AWS_LAMBDA_FUNCTION_NAME: 'webhook-deliverer' }),
    ).toMatchObject({ allowHttp: false, allowLoopback: false });
  });
});
