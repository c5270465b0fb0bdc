/// <reference types="office-js" />
/** Where the pane keeps the service's secret: the mailbox's roaming settings in Outlook, else the tab's session. */
import { getSetting, putSetting } from '../office/roaming-settings';

const SECRET_KEY = 'sfoCompatSecret';

export interface SecretStore {
  get(): string | null;
  set(secret: string | null): Promise<void>;
}

export function roamingSecretStore(settings: Office.RoamingSettings): SecretStore {
  return { get: () => getSetting(settings, SECRET_KEY), set: (secret) => putSetting(settings, SECRET_KEY, secret) };
}

export function sessionSecretStore(storage: Storage): SecretStore {
  return {
    get: () => storage.getItem(SECRET_KEY),
    async set(secret) {
      if (secret === null) storage.removeItem(SECRET_KEY);
      else storage.setItem(SECRET_KEY, secret);
    },
  };
}
