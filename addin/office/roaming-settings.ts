/// <reference types="office-js" />
/** The add-in's roaming settings (kept by Outlook per user and add-in): where the pane keeps its secret. */
import { officeAsync } from './async-result';

/** A string setting, or null when unset. */
export function getSetting(settings: Office.RoamingSettings, name: string): string | null {
  const value: unknown = settings.get(name);
  return typeof value === 'string' ? value : null;
}

/** Set (or with null, remove) a setting and save the settings to the mailbox. */
export function putSetting(settings: Office.RoamingSettings, name: string, value: string | null): Promise<void> {
  if (value === null) settings.remove(name);
  else settings.set(name, value);
  return officeAsync<void>((cb) => settings.saveAsync(cb));
}
