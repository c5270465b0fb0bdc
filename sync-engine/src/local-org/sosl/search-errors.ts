/** Salesforce's SOSL errors (`MALFORMED_SEARCH`, `INVALID_SEARCH`, `INVALID_TYPE`), as the REST API answers them. */
import { SalesforceRestError } from '../errors';

/** SOSL statements may not be longer than this (Salesforce's limit), checked before anything is parsed. */
export const MAX_SOSL_CHARS = 20_000;

export const searchErrors = {
  malformed: (message: string) => new SalesforceRestError(400, 'MALFORMED_SEARCH', message),
  noTerm: () =>
    new SalesforceRestError(
      400,
      'MALFORMED_SEARCH',
      'No search term found. The search term must be enclosed in braces.',
    ),
  tooShort: (term: string) =>
    new SalesforceRestError(400, 'INVALID_SEARCH', `search term must be longer than one character: ${term}`),
  tooLong: (length: number) =>
    new SalesforceRestError(
      400,
      'MALFORMED_SEARCH',
      `The search is ${length} characters long; SOSL statements cannot exceed ${MAX_SOSL_CHARS} characters.`,
    ),
  invalidType: (name: string) =>
    new SalesforceRestError(
      400,
      'INVALID_TYPE',
      `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    ),
  unsupported: (what: string) =>
    new SalesforceRestError(400, 'MALFORMED_SEARCH', `${what} is not supported by the local org`),
};
