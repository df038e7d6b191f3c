// @ts-check
// What `npm run dev` tells the room about joining from a phone, with and without a network.
import assert from "node:assert/strict";
import test from "node:test";
import { joinVars, lanAddress, printJoinInfo } from "../../scripts/join-info.js";

/** @param {string} name @param {string} address @param {boolean} [internal] */
const card = (name, address, internal = false) => ({
  [name]: [
    { address, family: /** @type {const} */ ("IPv4"), internal, netmask: "", mac: "", cidr: null },
  ],
});

test("the LAN address is a real network card's IPv4, before a container's or a VPN's", () => {
  const loopback = card("lo", "127.0.0.1", true);
  assert.equal(lanAddress(loopback), null);
  assert.equal(lanAddress({ ...loopback, ...card("eth0", "169.254.3.4") }), null); // no DHCP
  assert.equal(
    lanAddress({ ...loopback, ...card("docker0", "172.17.0.1"), ...card("en0", "192.168.1.7") }),
    "192.168.1.7",
  );
  assert.equal(lanAddress({ ...loopback, ...card("utun3", "100.64.0.2") }), "100.64.0.2");
});

test("with a LAN address the app gets it as JOIN_ORIGIN; without, nothing (it falls back to localhost)", () => {
  assert.deepEqual(joinVars(1999, "192.168.1.7"), { JOIN_ORIGIN: "http://192.168.1.7:1999" });
  assert.deepEqual(joinVars(1999, null), {});
});

test("the terminal gets the URL and its QR code, or says only this computer can join", async (t) => {
  /** @type {string[]} */
  const printed = [];
  t.mock.method(console, "log", (/** @type {string} */ text) => printed.push(text));
  await printJoinInfo(1999, "192.168.1.7");
  await printJoinInfo(1999, null);
  assert.match(printed[0], /^Join from a phone on this network: http:\/\/192\.168\.1\.7:1999\n/);
  assert.match(printed[0], /(.*[▀▄█].*\n){10,}/); // the QR code's rows
  assert.match(printed[1], /^No network address found: only this computer .*localhost:1999/);
});
