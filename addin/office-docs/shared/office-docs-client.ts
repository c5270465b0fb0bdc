/** The Word and Excel add-in's client of the service: the pane's (sign-in, status, its errors) and the office calls. */
import { ServiceClient } from '../../api/service-client';
import type {
  OfficeFields,
  OfficeQueryAnswer,
  OfficeQueryRequest,
  OfficeSaveAnswer,
  OfficeSaveRequest,
} from '../../../sync-engine/src/service/contract';
import { OfficeDocsApi } from './office-docs-api';

export class OfficeDocsClient extends ServiceClient implements OfficeDocsApi {
  objectFields(object: string): Promise<OfficeFields> {
    return this.call('GET', `/api/office/objects/${encodeURIComponent(object)}/fields`);
  }
  mergeFields(object: string): Promise<OfficeFields> {
    return this.call('GET', `/api/office/merge-fields/${encodeURIComponent(object)}`);
  }
  query(q: OfficeQueryRequest): Promise<OfficeQueryAnswer> {
    return this.call('POST', '/api/office/query', q);
  }
  save(s: OfficeSaveRequest): Promise<OfficeSaveAnswer> {
    return this.call('POST', '/api/office/save', s);
  }
}
