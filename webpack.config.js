/**
 * Builds the Outlook add-in (addin/) into dist/: the task pane, the function file, the sign-in dialog's two pages
 * (oauth-start, oauth-callback), the support page, icons, and Fluent 2's theme (fluent-theme.css, from
 * @fluentui/tokens).
 * The production build (`npm run build:addin`) loads office.js from Microsoft's CDN, as AppSource requires. With
 * OFFLINE=1 (or `--env offline`; what `npm start` and the tests build) office.js and every file it loads for
 * Outlook and for no host are copied from @microsoft/office-js into dist/ and loaded from there, so the pages work
 * with no network, in a browser and sideloaded in Outlook.
 */
const path = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');
const CopyWebpackPlugin = require('copy-webpack-plugin');
const { officeJsCopies } = require('./scripts/addin-build/office-js-files');
const { FluentThemePlugin } = require('./scripts/addin-build/fluent-css');

const OFFICE_JS_CDN = 'https://appsforoffice.microsoft.com/lib/1/hosted/office.js';

module.exports = (env = {}, argv = {}) => {
  const offline = process.env.OFFLINE === '1' || !!env.offline;
  const production = argv.mode === 'production';
  const officeJs = offline ? 'office.js' : OFFICE_JS_CDN;
  // Each page has its script addin/<name>/<name>.ts and the page addin/<name>/<name>.html, except the sign-in
  // dialog's two pages, which are the same markup (addin/oauth-start/oauth-start.html) with their own scripts.
  // office-docs is the Word and Excel pane (manifest-office.xml).
  const pages = ['taskpane', 'commands', 'oauth-start', 'oauth-callback', 'office-docs'];
  const templateOf = (name) => (name === 'oauth-callback' ? 'oauth-start' : name);
  const page = (name) =>
    new HtmlWebpackPlugin({
      filename: `${name}.html`,
      template: `./addin/${templateOf(name)}/${templateOf(name)}.html`,
      chunks: [name],
      templateParameters: { officeJs },
    });
  const copies = [
    { from: 'addin/assets', to: 'assets' },
    { from: 'addin/support.html', to: 'support.html' },
    { from: 'addin/taskpane/taskpane.css', to: 'taskpane.css' },
    { from: 'addin/office-docs/office-docs.css', to: 'office-docs.css' },
  ];
  if (offline) copies.push(...officeJsCopies());
  return {
    mode: production ? 'production' : 'development',
    devtool: production ? 'source-map' : 'inline-source-map',
    entry: Object.fromEntries(pages.map((name) => [name, `./addin/${name}/${name}.ts`])),
    output: { path: path.resolve(__dirname, 'dist'), filename: '[name].js', clean: true },
    resolve: { extensions: ['.ts', '.js'] },
    module: {
      rules: [
        {
          test: /\.ts$/,
          loader: 'ts-loader',
          options: { configFile: path.resolve(__dirname, 'addin/tsconfig.json') },
          exclude: /node_modules/,
        },
      ],
    },
    plugins: [...pages.map(page), new CopyWebpackPlugin({ patterns: copies }), new FluentThemePlugin()],
    performance: { hints: false },
  };
};
