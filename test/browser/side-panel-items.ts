/**
 * Items for the side panel's browser test and bench: descriptions the Office stand-in turns into Outlook items, and
 * switching the pinned pane to one (`officeStandIn.selectItem`), measured in the page from the item change to its
 * people on screen.
 */
import { Page } from 'playwright-core';

export { CHROMIUM, CHROMIUM_ARGS } from '../helpers/chromium';

export interface Address {
  emailAddress: string;
  displayName: string;
}
export type ItemDescription = Record<string, unknown> & { itemType?: 'message' | 'appointment' };

declare const window: {
  officeStandIn: { selectItem(d: unknown): void; changedAt: number };
  performance: { now(): number };
  setTimeout(f: () => void, ms: number): void;
};
declare const document: { querySelector(s: string): { dataset: Record<string, string | undefined> } | null };
declare class MutationObserver {
  constructor(callback: () => void);
  observe(target: unknown, options: { attributes: boolean }): void;
  disconnect(): void;
}

/** A received message to ann from `from`, with Ann in To. */
export function message(internetMessageId: string, from: Address, subject = 'Hello'): ItemDescription {
  return {
    itemType: 'message',
    internetMessageId,
    from,
    to: [{ emailAddress: 'ann@test.example', displayName: 'Ann' }],
    cc: [],
    subject,
    dateTimeCreated: '2026-03-05T14:30:00Z',
    body: `About ${subject}.`,
  };
}

const keyOf = (item: ItemDescription) => String(item.itemType === 'appointment' ? item.itemId : item.internetMessageId);

/**
 * Select the item as Outlook does in a pinned pane; resolves with the milliseconds from the change to the panel
 * showing it (`state` "shown": its people; "access-off": the product's text).
 */
export async function selectItem(page: Page, item: ItemDescription, state = 'shown'): Promise<number> {
  const shown = state === 'shown' ? keyOf(item) : '';
  // Watched in the page from the change itself, so the figure has no round trip of the test's own in it.
  const ms = await page.evaluate(
    ([d, k, s]) =>
      new Promise<number | string>((resolve) => {
        const panel = document.querySelector('#side-panel')!;
        const observer = new MutationObserver(() => {
          if (panel.dataset.itemKey !== k || panel.dataset.state !== s) return;
          observer.disconnect();
          resolve(window.performance.now() - window.officeStandIn.changedAt);
        });
        observer.observe(panel, { attributes: true });
        window.officeStandIn.selectItem(d);
        window.setTimeout(() => {
          observer.disconnect();
          resolve(`still ${panel.dataset.state} (${panel.dataset.itemKey}) after 15 s`);
        }, 15_000);
      }),
    [item, shown, state] as const,
  );
  if (typeof ms === 'string') throw new Error(`the panel did not show ${shown || state}: ${ms}`);
  return ms;
}
