/**
 * Salesforce's SOQL error texts, word for word where they are known (WIRE.md 5.6). A `pointer` is the
 * `\n<line>\n   ^\nERROR at Row:r:Column:c\n` prefix Salesforce puts in front when it knows where the fault is;
 * it is '' when we do not.
 */
import { SalesforceRestError } from '../errors';

const WSDL = 'Please reference your WSDL or the describe call for the appropriate names.';

function error(code: string, pointer: string, message: string, status = 400): SalesforceRestError {
  return new SalesforceRestError(status, code, pointer + message);
}

export const queryErrors = {
  malformed: (message: string, pointer = '') => error('MALFORMED_QUERY', pointer, message),
  unexpectedToken: (token: string, pointer = '') => error('MALFORMED_QUERY', pointer, `unexpected token: '${token}'`),
  // Not confirmed against a live org: the text Salesforce answers for `/query` without `q`.
  missingQuery: () => error('MALFORMED_QUERY', '', 'A query string has to be specified'),
  invalidType: (name: string, pointer = '') =>
    error(
      'INVALID_TYPE',
      pointer,
      `sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. ${WSDL}`,
    ),
  noSuchColumn: (field: string, entity: string, pointer = '') =>
    error(
      'INVALID_FIELD',
      pointer,
      `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. ${WSDL}`,
    ),
  unknownRelationship: (relationship: string, pointer = '') =>
    error(
      'INVALID_FIELD',
      pointer,
      `Didn't understand relationship '${relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. ${WSDL}`,
    ),
  /** A literal of the wrong kind for the field (`Name = 5`, `CreatedDate = 2024-01-01`). */
  filterType: (field: string, type: string, quoted: boolean, pointer = '') =>
    error(
      'INVALID_FIELD',
      pointer,
      `value of filter criterion for field '${field}' must be of type ${type} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
    ),
  invalidId: (value: string, pointer = '') =>
    error('INVALID_QUERY_FILTER_OPERATOR', pointer, `invalid ID field: ${value}`),
  invalidOperator: (operator: string, field: string, pointer = '') =>
    error('INVALID_QUERY_FILTER_OPERATOR', pointer, `invalid operator on ${field}: ${operator}`),
  notFilterable: (field: string, pointer = '') =>
    error('INVALID_FIELD', pointer, `field '${field}' can not be filtered in query call`),
  notSortable: (field: string, pointer = '') =>
    error('INVALID_FIELD', pointer, `field '${field}' can not be sorted in a query call`),
  duplicateField: (field: string, pointer = '') =>
    error('MALFORMED_QUERY', pointer, `duplicate field selected: ${field}`),
  notGrouped: (field: string, pointer = '') =>
    error('MALFORMED_QUERY', pointer, `Field must be grouped or aggregated: ${field}`),
  semiJoinMismatch: (inner: string, outer: string, pointer = '') =>
    error(
      'MALFORMED_QUERY',
      pointer,
      `The selected field '${inner}' in the subquery and the left operand field in the where expression in the outer query '${outer}' should point to the same object type`,
    ),
  offsetTooLarge: () => error('NUMBER_OUTSIDE_VALID_RANGE', '', 'Maximum SOQL offset allowed is 2000'),
  invalidLocator: () => error('INVALID_QUERY_LOCATOR', '', 'invalid query locator'),
  /** SOQL that Salesforce accepts but this org does not implement: a clear 400 rather than a wrong answer. */
  unsupported: (what: string, pointer = '') =>
    error('MALFORMED_QUERY', pointer, `${what} is not supported by the local org`),
};
