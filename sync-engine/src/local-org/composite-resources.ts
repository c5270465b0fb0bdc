/**
 * `GET /composite`: the composite resources of a version, as Salesforce lists them. Only what this org serves is
 * listed: Composite Batch, sObject Tree and sObject Collections; `POST /composite` itself is the resource being
 * read. Composite Graph is not served, so it is not advertised.
 */
export function compositeResources(apiVersion: string): Record<string, string> {
  const base = `/services/data/v${apiVersion}/composite`;
  return { batch: `${base}/batch`, tree: `${base}/tree`, sobjects: `${base}/sobjects` };
}
