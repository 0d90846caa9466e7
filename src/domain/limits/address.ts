import { isIP, isIPv6 } from 'node:net';

/**
 * The key every per-address limit counts under: IPv4 as is, IPv6 by its /64. A customer is handed a
 * whole /64 (often more), so counting single IPv6 addresses would give one client 2^64 fresh quotas.
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is its IPv4 address.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  if (!isIPv6(plain)) return `addr:${plain.slice(0, 64)}`;
  const [head, tail = ''] = plain.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = plain.includes('::') && tail ? tail.split(':') : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `addr:${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: a comma-separated list of the reverse proxies in front of the server (addresses,
 * CIDRs, or Express's names loopback, linklocal, uniquelocal). Only a request arriving from one of
 * them has its X-Forwarded-For believed; empty trusts none. Answers the list, or what is wrong.
 */
export function parseTrustProxy(value: string): string[] | string {
  const entries = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (PROXY_NAMES.has(entry)) continue;
    const [ip, prefix, extra] = entry.split('/');
    const family = isIP(ip);
    const bits = family === 4 ? 32 : 128;
    if (!family || extra !== undefined || (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits))) {
      return `"${entry.slice(0, 60)}" is not an address, a CIDR (10.0.0.0/8, fd00::/8) or one of loopback, linklocal, uniquelocal`;
    }
  }
  return entries;
}
