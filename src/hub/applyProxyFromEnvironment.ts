/**
 * Routes every fetch of this process (Node's own, @huggingface/hub's, node-llama-cpp's) through
 * HTTPS_PROXY / HTTP_PROXY, honouring NO_PROXY, when they are set. Node's built-in fetch reads the
 * same global dispatcher as the undici package, which is imported only then (0.1 s a CLI start
 * need not pay without a proxy).
 */
export async function applyProxyFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
	const proxied = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"].some((k) => env[k]);
	if (proxied) {
		const { EnvHttpProxyAgent, setGlobalDispatcher } = await import("undici");
		setGlobalDispatcher(new EnvHttpProxyAgent());
	}
	return proxied;
}
