// The catalogs, as frontend/scripts/build-widget.mjs bundles them from
// locales/*.json: language code → section → key → text.

type DeskchatCatalogs = Record<string, Record<string, Record<string, string>>>;

/** Every language's "widget" and "notes" sections. */
declare module 'deskchat:catalogs' {
  const catalogs: DeskchatCatalogs;
  export default catalogs;
}

/** Only the keys listed: deskchat:catalogs?keys=widget.open_chat,… */
declare module 'deskchat:catalogs?*' {
  const catalogs: DeskchatCatalogs;
  export default catalogs;
}
