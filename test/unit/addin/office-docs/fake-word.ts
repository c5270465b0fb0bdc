/**
 * A Word document for the Word glue's tests, from office-addin-mock objects: the selection, the body and its
 * content controls (`items` read only after `load` and `sync`), `getOoxml`/`insertOoxml` (an opaque text, here the
 * document's parts as JSON) and `application.createDocument` with `open`. A document is a list of parts: text, and
 * content controls with a tag, a title and their text.
 */
/// <reference types="office-js" />
import { OfficeMockObject } from 'office-addin-mock';

export type Part = { kind: 'text'; text: string } | { kind: 'control'; tag: string; title: string; text: string };

export class FakeDocument {
  parts: Part[] = [];
  text(): string {
    return this.parts.map((p) => p.text).join('');
  }
  controls(): Array<Extract<Part, { kind: 'control' }>> {
    return this.parts.filter((p): p is Extract<Part, { kind: 'control' }> => p.kind === 'control');
  }
}

export class FakeWord {
  readonly doc = new FakeDocument();
  /** Documents `createDocument` made and `open` showed, in order. */
  readonly opened: FakeDocument[] = [];
  private mocks: OfficeMockObject[] = [];
  private pendingControls: Array<{ mock: Record<string, unknown>; part: Extract<Part, { kind: 'control' }> }> = [];

  readonly run = <T>(batch: (ctx: Word.RequestContext) => Promise<T>): Promise<T> => batch(this.context());

  /** The user types text at the end of the document. */
  type(text: string): void {
    this.doc.parts.push({ kind: 'text', text });
  }

  context(): Word.RequestContext {
    const ctx = new OfficeMockObject({
      host: 'word',
      document: {
        getSelection: () =>
          this.track(
            new OfficeMockObject({
              host: 'word',
              insertContentControl: () => this.newControl(this.doc),
            }),
          ),
      },
      application: {
        createDocument: () => {
          const created = new FakeDocument();
          const m = this.track(new OfficeMockObject({ host: 'word', open: () => this.opened.push(created) }));
          (m as unknown as { body: unknown }).body = this.bodyOf(created);
          return m;
        },
      },
      sync: () => this.sync(),
    });
    (ctx as unknown as { document: { body: unknown } }).document.body = this.bodyOf(this.doc);
    return ctx as unknown as Word.RequestContext;
  }

  private bodyOf(doc: FakeDocument): object {
    const body = this.track(
      new OfficeMockObject({
        host: 'word',
        getOoxml: () => this.clientResult(JSON.stringify(doc.parts)),
        insertOoxml: (ooxml: string, where: string) => {
          if (where !== 'Replace') throw new Error(`this document takes insertOoxml "Replace" only (got ${where})`);
          doc.parts = JSON.parse(ooxml) as Part[];
        },
      }),
    );
    // A fresh collection each time it is read, holding the controls as they are then (after any insertOoxml before).
    Object.defineProperty(body, 'contentControls', {
      get: () =>
        this.track(
          new OfficeMockObject({
            host: 'word',
            items: doc.controls().map((part) => ({
              tag: part.tag,
              title: part.title,
              insertText: (text: string, where: string) => {
                if (where !== 'Replace') throw new Error(`insertText "${where}" is not used here`);
                part.text = text;
              },
            })),
          }),
        ),
    });
    return body;
  }

  private newControl(doc: FakeDocument): OfficeMockObject {
    const part: Extract<Part, { kind: 'control' }> = { kind: 'control', tag: '', title: '', text: '' };
    doc.parts.push(part);
    const m = this.track(
      new OfficeMockObject({
        host: 'word',
        insertText: (text: string, where: string) => {
          if (where !== 'Replace') throw new Error(`insertText "${where}" is not used here`);
          part.text = text;
        },
      }),
    );
    this.pendingControls.push({ mock: m as unknown as Record<string, unknown>, part });
    return m;
  }

  /** A `ClientResult`: no `load`, its `value` readable once the batch is synced (Office.js throws before). */
  private clientResult(value: string): { value: string } {
    let synced = false;
    this.afterSync.push(() => (synced = true));
    return {
      get value() {
        if (!synced) throw new Error('PropertyNotLoaded: call context.sync() before reading a ClientResult value');
        return value;
      },
    };
  }

  private afterSync: Array<() => void> = [];

  private track<T extends OfficeMockObject>(m: T): T {
    this.mocks.push(m);
    return m;
  }

  private async sync(): Promise<void> {
    for (const { mock, part } of this.pendingControls) {
      if (typeof mock.tag === 'string') part.tag = mock.tag;
      if (typeof mock.title === 'string') part.title = mock.title;
    }
    this.pendingControls = [];
    for (const done of this.afterSync.splice(0)) done();
    const mocks = this.mocks;
    this.mocks = [];
    for (const m of mocks) await m.sync();
  }
}
