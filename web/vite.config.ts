import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The web UI builds into dist/web, which `hearth serve` serves; nothing is loaded from the internet. */
export default defineConfig({
	root: fileURLToPath(new URL(".", import.meta.url)),
	build: { outDir: fileURLToPath(new URL("../dist/web", import.meta.url)), emptyOutDir: true, assetsInlineLimit: 0 },
	esbuild: { jsx: "automatic" },
});
