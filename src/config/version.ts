/** Hearth's version, as package.json says; kept here so `--version` needs no other module. */
export const VERSION = "0.1.0";
