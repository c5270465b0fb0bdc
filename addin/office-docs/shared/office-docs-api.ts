/** The service calls the Word and Excel add-in makes, as an interface: the page hands in its client, a test its own. */
import type {
  OfficeFields,
  OfficeQueryAnswer,
  OfficeQueryRequest,
  OfficeSaveAnswer,
  OfficeSaveRequest,
} from '../../../sync-engine/src/service/contract';

export interface OfficeDocsApi {
  objectFields(object: string): Promise<OfficeFields>;
  mergeFields(object: string): Promise<OfficeFields>;
  query(q: OfficeQueryRequest): Promise<OfficeQueryAnswer>;
  save(s: OfficeSaveRequest): Promise<OfficeSaveAnswer>;
}
