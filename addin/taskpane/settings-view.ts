/** The settings form: per object, the sync direction and who wins a conflict. */
import { SyncObject, SyncSettings } from '../api/service-client';

const OBJECTS: SyncObject[] = ['contacts', 'events', 'tasks'];
const select = (object: SyncObject, key: 'direction' | 'winner') =>
  document.getElementById(`${object}-${key}`) as HTMLSelectElement;

/** Put the service's settings into the form's selects. */
export function fillSettings(settings: SyncSettings): void {
  for (const object of OBJECTS) {
    select(object, 'direction').value = settings[object].direction;
    select(object, 'winner').value = settings[object].winner;
  }
}

/** The settings as chosen in the form. */
export function readSettings(): SyncSettings {
  const one = (object: SyncObject) => ({
    direction: select(object, 'direction').value as SyncSettings[SyncObject]['direction'],
    winner: select(object, 'winner').value as SyncSettings[SyncObject]['winner'],
  });
  return { contacts: one('contacts'), events: one('events'), tasks: one('tasks') };
}
