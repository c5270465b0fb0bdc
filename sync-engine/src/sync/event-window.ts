/** The calendar window both sides sync: 30 days back to 365 days ahead, as the Outlook side's calendar view. */
export const EVENT_WINDOW = { backDays: 30, aheadDays: 365 };

const DAY_MS = 86_400_000;

export function eventWindow(now: Date): { start: Date; end: Date } {
  return { start: new Date(now.getTime() - EVENT_WINDOW.backDays * DAY_MS), end: new Date(now.getTime() + EVENT_WINDOW.aheadDays * DAY_MS) };
}
