/** The pane's theme follows Office's (its body background), else the system's. */
/// <reference types="office-js" />
import assert from 'node:assert/strict';
import { applyOfficeTheme, luminance, themeOf } from '../../../addin/office/theme';

describe('addin: the theme from Office', () => {
  afterEach(() => {
    delete (globalThis as { Office?: unknown }).Office;
  });

  it('luminance of #rgb and #rrggbb, none for anything else', () => {
    assert.equal(luminance('#ffffff'), 1);
    assert.equal(luminance('#000'), 0);
    assert.ok(Math.abs(luminance('#808080')! - 0.2159) < 0.001);
    assert.equal(luminance('white'), null);
    assert.equal(luminance('#12345'), null);
  });

  it("Office's dark and black themes are dark, its white and colorful ones light; no theme is none", () => {
    assert.equal(themeOf({ bodyBackgroundColor: '#262626' }), 'dark');
    assert.equal(themeOf({ bodyBackgroundColor: '#000000' }), 'dark');
    assert.equal(themeOf({ bodyBackgroundColor: '#666666' }), 'dark');
    assert.equal(themeOf({ bodyBackgroundColor: '#FFFFFF' }), 'light');
    assert.equal(themeOf({ bodyBackgroundColor: '#e6e6e6' }), 'light');
    assert.equal(themeOf({}), null);
    assert.equal(themeOf(undefined), null);
  });

  it('sets data-theme from Office.context.officeTheme, and removes it outside Office or where reading it throws', () => {
    const root = { dataset: { theme: 'light' } as Record<string, string | undefined> };
    (globalThis as { Office?: unknown }).Office = { context: { officeTheme: { bodyBackgroundColor: '#1f1f1f' } } };
    applyOfficeTheme(root);
    assert.equal(root.dataset.theme, 'dark');
    (globalThis as { Office?: unknown }).Office = {
      context: {
        get officeTheme(): never {
          throw new Error('not supported');
        },
      },
    };
    applyOfficeTheme(root);
    assert.equal(root.dataset.theme, undefined);
    root.dataset.theme = 'dark';
    delete (globalThis as { Office?: unknown }).Office;
    applyOfficeTheme(root);
    assert.equal(root.dataset.theme, undefined);
  });
});
