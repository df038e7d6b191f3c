// @ts-check
// Joining from a phone: the address other devices on this network reach `npm run dev` at, and a QR
// code for it in the terminal. The app shows the same address (JOIN_ORIGIN) on each room's join page.
import { networkInterfaces } from "node:os";
import QRCode from "qrcode";

// Interfaces that phones in the room cannot reach: containers, VMs, VPN tunnels.
const VIRTUAL = /^(docker|br-|veth|virbr|vboxnet|vmnet|utun|tun|tap|wg|tailscale|zt)/;

/**
 * The IPv4 address of this machine on its local network, or null when it has none (offline).
 * @param {ReturnType<typeof networkInterfaces>} [interfaces]
 */
export function lanAddress(interfaces = networkInterfaces()) {
  const candidates = Object.entries(interfaces)
    .flatMap(([name, addresses]) => (addresses ?? []).map((address) => ({ name, ...address })))
    .filter((a) => a.family === "IPv4" && !a.internal && !a.address.startsWith("169.254."));
  // Real network cards first; a VPN or Docker address is better than nothing.
  candidates.sort((a, b) => Number(VIRTUAL.test(a.name)) - Number(VIRTUAL.test(b.name)));
  return candidates[0]?.address ?? null;
}

/**
 * The variables that tell the app where phones can reach it: none when there is no network, so the
 * join page falls back to its own (localhost) address and says so.
 * @param {number} port @param {string | null} [address]
 * @returns {Record<string, string>}
 */
export function joinVars(port, address = lanAddress()) {
  return address ? { JOIN_ORIGIN: `http://${address}:${port}` } : {};
}

/**
 * Prints the address to open on a phone and its QR code, or why there is none.
 * @param {number} port @param {string | null} [address]
 */
export async function printJoinInfo(port, address = lanAddress()) {
  if (!address) {
    console.log(
      `No network address found: only this computer can open the app (http://localhost:${port}).\n` +
        "Join a Wi-Fi network and restart npm run dev to let phones in.\n",
    );
    return;
  }
  const url = `http://${address}:${port}`;
  const qr = await QRCode.toString(url, { type: "terminal", small: true });
  console.log(`Join from a phone on this network: ${url}\n${qr}`);
}
