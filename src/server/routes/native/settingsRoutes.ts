import { join } from "node:path";
import { Hono } from "hono";
import { SERVER_SETTING_NAMES, ServerSettingsUpdate } from "../../../api/native/NativeSettings.js";
import { updateConfigFile } from "../../../config/readConfigFile.js";
import { withoutUndefined } from "../../../util/withoutUndefined.js";
import { HttpError } from "../../HttpError.js";
import { readJson } from "../../readJson.js";
import type { ServerContext } from "../../ServerContext.js";
import { serverSettingsView } from "../../serverSettingsView.js";

/** Server settings kept in config.json, applied at the next start; a flag or variable that fixes one wins (409). */
export function settingsRoutes(ctx: ServerContext): Hono {
	const app = new Hono();
	const configPath = join(ctx.store.home, "config.json");

	app.get("/hearth/settings", (c) => c.json(serverSettingsView(ctx, configPath)));

	app.put("/hearth/settings", async (c) => {
		const update = ServerSettingsUpdate.parse(await readJson(c));
		for (const name of SERVER_SETTING_NAMES)
			if (update[name] !== undefined && ctx.locks[name])
				throw new HttpError(
					409,
					`${name} is set by ${ctx.locks[name]}, which wins over config.json; change it there`,
					"setting_locked",
					name,
				);
		updateConfigFile(ctx.store.home, (config) => {
			const { apiKey, ...rest } = update;
			const next = { ...config, ...withoutUndefined(rest) };
			if (apiKey === null) delete next.apiKey;
			else if (apiKey !== undefined) next.apiKey = apiKey;
			return next;
		});
		const view = serverSettingsView(ctx, configPath);
		ctx.log.write(
			"info",
			"server",
			`server settings saved in ${configPath}${view.restartRequired ? "; restart Hearth to apply them" : ""}`,
		);
		return c.json(view);
	});

	return app;
}
