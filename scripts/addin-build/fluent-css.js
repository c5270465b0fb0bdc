/**
 * Fluent 2's design tokens (@fluentui/tokens: the web light and dark themes Office add-ins use) as CSS custom
 * properties, emitted at build time as dist/fluent-theme.css. The light theme is the default; the dark one applies
 * when the page says so (`<html data-theme="dark">`, set from Office's theme) or, with no theme set, when the system
 * prefers dark.
 */
const { webLightTheme, webDarkTheme } = require('@fluentui/tokens');

const FILE = 'fluent-theme.css';

const declarations = (theme, indent) =>
  Object.entries(theme)
    .map(([name, value]) => `${indent}--${name}: ${value};`)
    .join('\n');

function fluentThemeCss() {
  return [
    '/* Generated from @fluentui/tokens (webLightTheme, webDarkTheme) by scripts/addin-build/fluent-css.js. */',
    `:root {\n${declarations(webLightTheme, '  ')}\n  color-scheme: light;\n}`,
    `@media (prefers-color-scheme: dark) {\n  :root:not([data-theme="light"]) {\n${declarations(webDarkTheme, '    ')}\n    color-scheme: dark;\n  }\n}`,
    `:root[data-theme="dark"] {\n${declarations(webDarkTheme, '  ')}\n  color-scheme: dark;\n}`,
    '',
  ].join('\n');
}

/** A webpack plugin that adds fluent-theme.css to the build's output. */
class FluentThemePlugin {
  apply(compiler) {
    const { Compilation, sources } = compiler.webpack;
    compiler.hooks.thisCompilation.tap('FluentThemePlugin', (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: 'FluentThemePlugin', stage: Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL },
        () => {
          compilation.emitAsset(FILE, new sources.RawSource(fluentThemeCss()));
        },
      );
    });
  }
}

module.exports = { fluentThemeCss, FluentThemePlugin, FILE };
