import assert from 'node:assert/strict';
import { test } from 'node:test';
import { throttleNetwork } from './networks.js';

test('an IPv4 address is its own network, an IPv6 address its /64', () => {
  assert.equal(throttleNetwork('192.0.2.7'), '192.0.2.7');
  assert.equal(throttleNetwork('127.0.0.1'), '127.0.0.1');
  assert.equal(throttleNetwork('2001:db8:0:1:aaaa:bbbb:cccc:dddd'), '2001:db8:0:1::/64');
  assert.equal(throttleNetwork('2001:db8:0:1::7'), '2001:db8:0:1::/64');
  assert.equal(throttleNetwork('2001:DB8::1'), '2001:db8:0:0::/64');
  assert.equal(throttleNetwork('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(throttleNetwork('::1'), '0:0:0:0::/64');
  assert.equal(throttleNetwork('::'), '0:0:0:0::/64');
  assert.equal(throttleNetwork('2001:db8:1:2:3:4:192.0.2.1'), '2001:db8:1:2::/64');
});

test('two addresses of one /64 share a network; of two /64s they do not', () => {
  assert.equal(
    throttleNetwork('2001:db8:a:b:1::1'),
    throttleNetwork('2001:db8:a:b:ffff:ffff:ffff:fffe'),
  );
  assert.notEqual(throttleNetwork('2001:db8:a:b::1'), throttleNetwork('2001:db8:a:c::1'));
});

test('an IPv4 address written as IPv6 is that IPv4 address', () => {
  assert.equal(throttleNetwork('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(throttleNetwork('::ffff:c000:0201'), '192.0.2.1');
});

test('what is not an IP address is kept as it is', () => {
  assert.equal(throttleNetwork('unknown'), 'unknown');
  assert.equal(throttleNetwork(''), '');
});
