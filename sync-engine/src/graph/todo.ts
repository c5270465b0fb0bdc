/**
 * Microsoft To Do (WIRE.md section 10): task lists, the default list (`wellknownListName: "defaultList"`),
 * a tasks delta round per list, and create / update / delete of tasks.
 */
import { GraphHttp, GraphRequest, seg } from './http';
import { GraphApiError } from './errors';
import { ItemPaths, WriteOptions, deleteItem } from './items';
import { DeltaPage, DeltaResult, DEFAULT_PAGE_SIZE, deltaPages, listAll, preferOf, readDelta } from './paging';
import { DateTimeTimeZone, PatternedRecurrence } from './events';

export type WellknownListName = 'none' | 'defaultList' | 'flaggedEmails' | 'unknownFutureValue';

export interface GraphTaskList {
  id: string;
  '@odata.etag'?: string;
  displayName: string;
  isOwner?: boolean;
  isShared?: boolean;
  wellknownListName?: WellknownListName;
}

export type TaskStatus = 'notStarted' | 'inProgress' | 'completed' | 'waitingOnOthers' | 'deferred';

/** A To Do task; the fields the synchronizer maps are typed, the rest pass through. */
export interface GraphTask {
  id?: string;
  '@odata.etag'?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  title?: string;
  status?: TaskStatus;
  importance?: 'low' | 'normal' | 'high';
  isReminderOn?: boolean;
  body?: { contentType: 'text' | 'html'; content: string };
  dueDateTime?: DateTimeTimeZone | null;
  startDateTime?: DateTimeTimeZone | null;
  reminderDateTime?: DateTimeTimeZone | null;
  completedDateTime?: DateTimeTimeZone | null;
  recurrence?: PatternedRecurrence | null;
  categories?: string[];
  [field: string]: unknown;
}

export interface TasksOptions {
  maxPageSize?: number;
}

/** Which list a task call is about; default: the user's default list. */
export interface ListChoice {
  listId?: string;
}

export class Tasks {
  private defaultListLookup: Promise<string> | null = null;

  constructor(
    private readonly http: GraphHttp,
    private readonly o: TasksOptions = {},
  ) {}

  /** All the user's task lists. */
  lists(): Promise<GraphTaskList[]> {
    return listAll<GraphTaskList>(this.http, '/me/todo/lists', {
      maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE,
    });
  }

  /** The list marked `wellknownListName: "defaultList"` (Outlook's "Tasks"). */
  async defaultList(): Promise<GraphTaskList> {
    const list = (await this.lists()).find((l) => l.wellknownListName === 'defaultList');
    if (!list) {
      throw new GraphApiError({
        kind: 'other',
        code: 'DEFAULT_LIST_NOT_FOUND',
        statusCode: null,
        message: 'the mailbox has no To Do list with wellknownListName "defaultList"',
      });
    }
    return list;
  }

  /** `POST /me/todo/lists` → 201. */
  async createList(displayName: string): Promise<GraphTaskList> {
    return (await this.http.request<GraphTaskList>({ method: 'POST', path: '/me/todo/lists', body: { displayName } }))
      .data;
  }

  /** One tasks delta round: from a saved deltaLink, or from the start on a list. */
  delta(deltaLink?: string, o: ListChoice = {}): Promise<DeltaResult<GraphTask>> {
    return readDelta(this.deltaPages(deltaLink, o));
  }

  /** The same round page by page; the generator returns the deltaLink. */
  async *deltaPages(
    deltaLink?: string,
    o: ListChoice = {},
    first?: unknown,
  ): AsyncGenerator<DeltaPage<GraphTask>, string> {
    const paging = { maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE, first };
    const start = deltaLink ? { deltaLink } : { path: `${await this.listPath(o)}/tasks/delta` };
    return yield* deltaPages<GraphTask>(this.http, start, paging);
  }

  /** The request of a delta round's first page from a saved deltaLink (for a `$batch`). */
  deltaRequest(deltaLink: string): GraphRequest {
    return {
      method: 'GET',
      path: deltaLink,
      prefer: preferOf({ maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE }),
    };
  }

  async list(o: ListChoice = {}): Promise<GraphTask[]> {
    return listAll<GraphTask>(this.http, `${await this.listPath(o)}/tasks`, {
      maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE,
    });
  }

  /** Where a list's tasks are written and read one by one (default: the default list). */
  async paths(o: ListChoice = {}): Promise<ItemPaths> {
    const list = await this.listPath(o);
    return { collection: `${list}/tasks`, item: (id) => `${list}/tasks/${seg(id)}`, prefer: [] };
  }

  async get(id: string, o: ListChoice = {}): Promise<GraphTask> {
    return this.http.get<GraphTask>(`${await this.listPath(o)}/tasks/${seg(id)}`);
  }

  /** `POST` → 201 with the new task. */
  async create(task: GraphTask, o: ListChoice = {}): Promise<GraphTask> {
    return (await this.http.request<GraphTask>({ method: 'POST', path: `${await this.listPath(o)}/tasks`, body: task }))
      .data;
  }

  /** `PATCH` only the fields given → 200 with the whole task. */
  async update(id: string, changes: Partial<GraphTask>, o: ListChoice & WriteOptions = {}): Promise<GraphTask> {
    return (
      await this.http.request<GraphTask>({
        method: 'PATCH',
        path: `${await this.listPath(o)}/tasks/${seg(id)}`,
        body: changes,
        ifMatch: o.ifMatch,
      })
    ).data;
  }

  /** `DELETE` → 204. */
  async delete(id: string, o: ListChoice & WriteOptions = {}): Promise<void> {
    return deleteItem(this.http, `${await this.listPath(o)}/tasks/${seg(id)}`, o);
  }

  private async listPath(o: ListChoice): Promise<string> {
    return `/me/todo/lists/${seg(o.listId ?? (await this.defaultListId()))}`;
  }

  /** Looked up once; a failed lookup is not remembered. */
  private defaultListId(): Promise<string> {
    if (!this.defaultListLookup) {
      const lookup = this.defaultList().then((l) => l.id);
      lookup.catch(() => {
        if (this.defaultListLookup === lookup) this.defaultListLookup = null;
      });
      this.defaultListLookup = lookup;
    }
    return this.defaultListLookup;
  }
}
