import { describe, expect, it } from "vitest";
import { redirectRefusal } from "./redirectRefusal.js";

const hf = new URL("https://huggingface.co");
const loopbackHub = new URL("http://127.0.0.1:8080");

describe("redirectRefusal", () => {
	it.each([
		["https://cdn-lfs.hf.co/repos/x", hf],
		["https://cas-bridge.xethub.hf.co/x", hf],
		["https://huggingface.co:8443/x", hf],
		["https://172.32.0.1/x", hf], // just outside 172.16/12
		["https://8.8.8.8/x", hf],
		["http://127.0.0.1:8080/blobs/x", loopbackHub], // the endpoint's own origin
		["https://127.0.0.1:8443/x", loopbackHub], // the endpoint's own host, over https
	])("follows %s from %s", (target, endpoint) => {
		expect(redirectRefusal(new URL(target), endpoint)).toBeUndefined();
	});

	it.each([
		["http://cdn.example/x", hf, /only https/],
		["http://127.0.0.1:9/x", loopbackHub, /only https/],
		["https://127.0.0.1/x", hf, /loopback/],
		["https://127.8.9.10/x", hf, /loopback/],
		["https://2130706433/x", hf, /loopback/],
		["https://0.0.0.0/x", hf, /loopback/],
		["https://[::1]/x", hf, /loopback/],
		["https://[::]/x", hf, /loopback/],
		["https://[::ffff:10.0.0.1]/x", hf, /private/],
		["https://169.254.169.254/latest/meta-data/", hf, /link-local/],
		["https://[fe80::1]/x", hf, /link-local/],
		["https://10.1.2.3/x", hf, /private/],
		["https://172.16.0.1/x", hf, /private/],
		["https://172.31.255.255/x", hf, /private/],
		["https://192.168.1.1/x", hf, /private/],
		["https://100.64.0.1/x", hf, /private/],
		["https://[fd00::1]/x", hf, /private/],
		["https://[fc00::1]/x", hf, /private/],
		["https://localhost/x", hf, /this machine/],
		["https://LOCALHOST./x", hf, /this machine/],
		["https://api.localhost/x", hf, /this machine/],
		["https://192.168.1.1/x", loopbackHub, /private/], // a hub on loopback may use loopback, not the LAN
	])("refuses %s from %s", (target, endpoint, why) => {
		expect(redirectRefusal(new URL(target), endpoint)).toMatch(why);
	});
});
