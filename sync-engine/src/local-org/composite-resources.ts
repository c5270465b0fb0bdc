/**
 * `GET /composite`: the composite resources of a version, as Salesforce lists them. Only what this org serves is
 * listed: sObject Collections (`composite/sobjects`, rest-collections.ts); `POST /composite` itself is the resource
 * being read. Batch, tree and graph are not served yet, so they are not advertised.
 */
export function compositeResources(apiVersion: string): Record<string, string> {
  return { sobjects: `/services/data/v${apiVersion}/composite/sobjects` };
}
