/**
 * Outlook contacts (WIRE.md section 8): the default contacts folder, or one named folder; a delta round
 * per sync, and create / update / delete of single contacts.
 */
import { GraphHttp, GraphRequest, seg } from './http';
import { ItemPaths, WriteOptions, deleteItem } from './items';
import { DeltaPage, DeltaResult, DEFAULT_PAGE_SIZE, deltaPages, listAll, preferOf, readDelta } from './paging';

export interface EmailAddress {
  name?: string | null;
  address: string;
}

export interface PhysicalAddress {
  street?: string;
  city?: string;
  state?: string;
  countryOrRegion?: string;
  postalCode?: string;
}

/** A Graph contact; the fields the synchronizer maps are typed, the rest pass through. */
export interface GraphContact {
  id?: string;
  '@odata.etag'?: string;
  changeKey?: string;
  createdDateTime?: string;
  lastModifiedDateTime?: string;
  parentFolderId?: string;
  displayName?: string | null;
  givenName?: string | null;
  middleName?: string | null;
  surname?: string | null;
  title?: string | null;
  jobTitle?: string | null;
  companyName?: string | null;
  department?: string | null;
  emailAddresses?: EmailAddress[];
  businessPhones?: string[];
  homePhones?: string[];
  mobilePhone?: string | null;
  businessAddress?: PhysicalAddress;
  homeAddress?: PhysicalAddress;
  otherAddress?: PhysicalAddress;
  birthday?: string | null;
  personalNotes?: string | null;
  categories?: string[];
  [field: string]: unknown;
}

export interface ContactsOptions {
  /** A contact folder id; default: the user's default contacts folder. */
  folderId?: string;
  maxPageSize?: number;
}

export class Contacts {
  private readonly base: string;

  constructor(
    private readonly http: GraphHttp,
    private readonly o: ContactsOptions = {},
  ) {
    this.base = o.folderId ? `/me/contactFolders/${seg(o.folderId)}/contacts` : '/me/contacts';
  }

  /** One delta round from the start (no deltaLink) or from a saved deltaLink. */
  delta(deltaLink?: string): Promise<DeltaResult<GraphContact>> {
    return readDelta(this.deltaPages(deltaLink));
  }

  /** The same round page by page; the generator returns the deltaLink. */
  deltaPages(deltaLink?: string, first?: unknown): AsyncGenerator<DeltaPage<GraphContact>, string> {
    const start = deltaLink ? { deltaLink } : { path: `${this.base}/delta` };
    return deltaPages<GraphContact>(this.http, start, { maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE, first });
  }

  /** The request of a delta round's first page from a saved deltaLink (for a `$batch`). */
  deltaRequest(deltaLink: string): GraphRequest {
    return {
      method: 'GET',
      path: deltaLink,
      prefer: preferOf({ maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE }),
    };
  }

  list(): Promise<GraphContact[]> {
    return listAll<GraphContact>(this.http, this.base, { maxPageSize: this.o.maxPageSize ?? DEFAULT_PAGE_SIZE });
  }

  /** Where contacts are written and read one by one. */
  async paths(): Promise<ItemPaths> {
    return { collection: this.base, item: (id) => `/me/contacts/${seg(id)}`, prefer: [] };
  }

  get(id: string): Promise<GraphContact> {
    return this.http.get<GraphContact>(`/me/contacts/${seg(id)}`);
  }

  /** `POST` → 201 with the new contact (its id, etag). */
  async create(contact: GraphContact): Promise<GraphContact> {
    return (await this.http.request<GraphContact>({ method: 'POST', path: this.base, body: contact })).data;
  }

  /** `PATCH` only the fields given → 200 with the whole contact. */
  async update(id: string, changes: Partial<GraphContact>, o: WriteOptions = {}): Promise<GraphContact> {
    return (
      await this.http.request<GraphContact>({
        method: 'PATCH',
        path: `/me/contacts/${seg(id)}`,
        body: changes,
        ifMatch: o.ifMatch,
      })
    ).data;
  }

  /** `DELETE` → 204. */
  delete(id: string, o: WriteOptions = {}): Promise<void> {
    return deleteItem(this.http, `/me/contacts/${seg(id)}`, o);
  }
}
