/**
 * What the offline build copies from @microsoft/office-js into dist/, so office.js (a loader) finds every file it
 * asks its own folder for, in a plain browser and sideloaded in Outlook:
 * - office.js, and o15apptofilemappingtable.js (loaded when there is no host; it carries the Microsoft Ajax core
 *   that Office.onReady waits for);
 * - the Outlook host files (outlook-<platform>-<version>.js, chosen from the host's `_host_Info`);
 * - each locale's office_strings.js and outlook_strings.js (the host's UI language picks the folder);
 * - the telemetry scripts the loader and the Outlook host files ask for.
 * Debug builds (*.debug.js) are left out. The Outlook host files also fetch the full MicrosoftAjax.js from
 * ajax.aspnetcdn.com (a hard-coded URL, not this folder), which the package does not carry: Outlook reaches it.
 */
const path = require('node:path');

const PACKAGE_DIST = path.dirname(require.resolve('@microsoft/office-js/dist/office.js'));
const NOT_DEBUG = ['**/*.debug.js', '**/*-vsdoc.js'];

/** copy-webpack-plugin patterns (`to` relative to dist/). */
function officeJsCopies() {
  // A glob keeps its folder ([path]); a single file goes where it is in the package.
  const from = (glob) => ({
    from: glob,
    context: PACKAGE_DIST,
    to: '[path][name][ext]',
    globOptions: { ignore: NOT_DEBUG },
  });
  const file = (name) => ({ from: path.join(PACKAGE_DIST, name), to: name });
  return [
    file('office.js'),
    file('o15apptofilemappingtable.js'),
    from('outlook*.js'),
    from('*/office_strings.js'),
    from('*/outlook_strings.js'),
    file('telemetry/oteljs_agave.js'),
    file('ariatelemetry/aria-web-telemetry.js'),
  ];
}

module.exports = { officeJsCopies, PACKAGE_DIST };
