/**
 * Where Outlook events the calendar view stopped showing are now, asked of the mailbox one by one: an event that
 * still exists is found (moved out of the window, or changed); an occurrence that is gone is looked for through its
 * series, once per series: a series that is gone took it along (deleted), one that still shows instances in the
 * window lost it (cancelled: deleted), and so did one that shows none there while its pattern still lies there (every
 * occurrence in the window deleted one by one); any other that shows none there moved away beyond the window (out
 * of sight: where this occurrence went cannot be told, since Outlook names an occurrence by its original start).
 */
import { Events } from '../../graph/events';
import { GraphApiError } from '../../graph/errors';
import { EventWhereabouts } from '../types';
import { EventWindow } from '../event-window';
import { outlookChange } from '../mappers/outlook-records';
import { seriesReachesWindow } from './series-reach';

type SeriesNow = 'gone' | 'inWindow' | 'outOfWindow';

/** `stop` maps a failure that ends the run (throttled, unreachable, signed out) to what the side throws. */
export async function locateEvents(
  events: Events,
  gone: Array<{ id: string; masterId: string | null }>,
  window: EventWindow,
  stop: (err: unknown) => unknown,
): Promise<EventWhereabouts[]> {
  const found = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      // Not there: 404, or an id the mailbox cannot read (400).
      if (
        err instanceof GraphApiError &&
        err.kind === 'validation' &&
        (err.statusCode === 404 || err.statusCode === 400)
      )
        return undefined;
      throw stop(err);
    }
  };
  const series = new Map<string, Promise<SeriesNow>>();
  const seriesNow = (masterId: string): Promise<SeriesNow> => {
    let state = series.get(masterId);
    if (!state) {
      state = (async () => {
        const master = await found(() => events.get(masterId));
        if (!master) return 'gone';
        const shown = (await found(() => events.instances(masterId, window))) ?? [];
        if (shown.some((i) => i.isCancelled !== true)) return 'inWindow';
        // Nothing shows: moved away, or every occurrence in the window deleted (its pattern still lies there).
        return seriesReachesWindow(master, window) ? 'inWindow' : 'outOfWindow';
      })();
      series.set(masterId, state);
    }
    return state;
  };
  const out: EventWhereabouts[] = [];
  for (const g of gone) {
    // A series that is gone answers for all of its occurrences, without a request each.
    if (g.masterId && (await seriesNow(g.masterId)) === 'gone') {
      out.push({ id: g.id, deleted: true });
      continue;
    }
    const item = await found(() => events.get(g.id));
    if (item && item.type !== 'seriesMaster' && item.isCancelled !== true)
      out.push({ id: g.id, found: outlookChange('events', item) });
    else if (!item && g.masterId && (await seriesNow(g.masterId)) === 'outOfWindow')
      out.push({ id: g.id, outOfSight: true });
    else out.push({ id: g.id, deleted: true });
  }
  return out;
}
