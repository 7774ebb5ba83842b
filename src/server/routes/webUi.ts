import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";

const TYPES: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
	".ico": "image/x-icon",
	".json": "application/json",
	".woff2": "font/woff2",
};

/** Nothing from elsewhere: scripts, styles, images and fetches all come from this server. */
export const CONTENT_SECURITY_POLICY =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Where `npm run build` puts the web UI, seen from this module in dist/ or in src/. */
export function webUiDir(): string {
	const here = fileURLToPath(import.meta.url);
	return fileURLToPath(new URL(here.endsWith(".ts") ? "../../../dist/web/" : "../../web/", import.meta.url));
}

/**
 * Serves the built web UI: the files under dist/web, read once at start, with a strict CSP; any
 * other GET that is not an API path gets index.html (the UI's own navigation).
 */
export function webUiRoutes(dir = webUiDir()): Hono {
	const app = new Hono();
	const files = new Map<string, { body: Buffer; type: string }>();
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const path = join(d, name);
			if (statSync(path).isDirectory()) walk(path);
			else
				files.set(`/${relative(dir, path).split(sep).join("/")}`, {
					body: readFileSync(path),
					type: TYPES[extname(name)] ?? "application/octet-stream",
				});
		}
	};
	if (existsSync(dir)) walk(dir);
	const index = files.get("/index.html");
	app.get("*", (c, next) => {
		const path = c.req.path;
		if (/^\/(v1|api|hearth|health)(\/|$)/.test(path)) return next();
		const file = files.get(path) ?? index;
		if (!file)
			return c.text("The web UI is not built: run npm run build (npm install does it).", 503, {
				"Content-Security-Policy": CONTENT_SECURITY_POLICY,
			});
		c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		c.header("X-Content-Type-Options", "nosniff");
		c.header("Referrer-Policy", "no-referrer");
		c.header("Cache-Control", path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
		return c.body(new Uint8Array(file.body), 200, { "Content-Type": files.has(path) ? file.type : "text/html; charset=utf-8" });
	});
	return app;
}
