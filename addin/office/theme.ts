/// <reference types="office-js" />
/**
 * Dark or light, as Office is: from `Office.context.officeTheme` where the host gives it (the pane's background
 * colour), else nothing is set and the page follows the system (`prefers-color-scheme`, in fluent-theme.css).
 */

/** Relative luminance (WCAG) of `#rrggbb` or `#rgb`; null when it is not such a colour. */
export function luminance(color: string): number | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return null;
  const hex = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  const [r, g, b] = [0, 2, 4]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** 'dark' or 'light' for Office's theme, or null when Office gives none (outside Office, or a host without it). */
export function themeOf(officeTheme: { bodyBackgroundColor?: string } | null | undefined): 'dark' | 'light' | null {
  const l = officeTheme?.bodyBackgroundColor ? luminance(officeTheme.bodyBackgroundColor) : null;
  if (l === null) return null;
  return l < 0.2 ? 'dark' : 'light';
}

/** Set `<html data-theme>` from Office's theme, when there is one (else remove it: the system's preference stands). */
export function applyOfficeTheme(root: { dataset: Record<string, string | undefined> }): void {
  let theme: 'dark' | 'light' | null = null;
  try {
    theme = typeof Office !== 'undefined' ? themeOf(Office.context?.officeTheme) : null;
  } catch {
    // Hosts without officeTheme throw on reading it: the system's preference stands.
  }
  if (theme) root.dataset.theme = theme;
  else delete root.dataset.theme;
}
