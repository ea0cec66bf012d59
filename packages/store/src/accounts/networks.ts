/**
 * The network a sign-in comes from, for the per-address throttle (docs/server.md, "Accounts and
 * sessions"). One IPv4 address is one network; an IPv6 client is given a whole /64 (RFC 6177,
 * the smallest end-site assignment; RFC 4291 makes /64 the interface-identifier boundary) and
 * picks any of its 2^64 addresses at will (RFC 8981 temporary addresses), so counting IPv6
 * addresses one by one would let one client retry without limit. An IPv4 address written as
 * IPv6 (::ffff:192.0.2.1, as a dual-stack socket reports it) is that IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The 8 groups of an IPv6 address (zone and embedded IPv4 tail allowed). */
function ipv6Groups(address: string): number[] {
  let text = address.split('%')[0] as string;
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail) {
    const [b1, b2, b3, b4] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((b1 << 8) | b2).toString(16)}:${((b3 << 8) | b4).toString(16)}`;
  }
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16));
  const [head, rest] = text.split('::') as [string, string | undefined];
  if (rest === undefined) return parse(head);
  const left = parse(head);
  const right = parse(rest);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/**
 * The throttle's network of `address`: an IPv4 address as itself, an IPv6 address as its /64
 * (`2001:db8:0:1::/64`), anything else (not an IP address) unchanged.
 */
export function throttleNetwork(address: string): string {
  if (isIPv4(address)) return address;
  if (!isIPv6(address.split('%')[0] as string)) return address;
  const groups = ipv6Groups(address);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi, lo] = [groups[6] as number, groups[7] as number];
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
