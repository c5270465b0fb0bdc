/**
 * Reading a SOAP request on the partner and enterprise endpoints: limits before parsing, the envelope, its header
 * and the one operation its body names, namespace-aware by local name (prefixes vary by client; SOAPAction is
 * ignored). Each operation reads its own elements from what this returns.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { SOAP_ENV, SoapFault } from './soap-fault';
import { MAX_SOAP_TAGS, hasMoreThan } from './request-limits';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
});

type XmlNode = Record<string, unknown>;

/** A parsed SOAP request: the operation its body names, that operation's element, the envelope's header. */
export interface SoapRequest {
  operation: string;
  call: unknown;
  header: unknown;
}

/** The first child element called `name`. */
export function child(node: unknown, name: string): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  const v = (node as XmlNode)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The text of a simple element: undefined when absent, a Client fault when it holds elements. */
export function text(node: unknown, name: string, ns: string): string | undefined {
  const v = child(node, name);
  if (v === undefined || typeof v === 'string') return v;
  const only = v as XmlNode;
  if (Object.keys(only).every((k) => k === '#text')) return String(only['#text'] ?? '');
  throw SoapFault.client(`Element {${ns}}${name} must contain text only`);
}

/** Salesforce's fault for an operation its WSDL does not have. */
export function noSuchOperation(ns: string, operation: string): SoapFault {
  return SoapFault.client(
    `No operation available for request {${ns}}${operation}, please check the WSDL for the service.`,
  );
}

/** Read a SOAP request's envelope, or the Client fault saying what is wrong with it. */
export function parseSoapRequest(body: unknown): SoapRequest {
  if (body !== undefined && typeof body !== 'string')
    throw SoapFault.client('The request body is not XML: send Content-Type text/xml');
  if (body === undefined || body.trim() === '')
    throw SoapFault.client('Premature end of file: the request has no SOAP envelope');
  if (/<!DOCTYPE/i.test(body)) throw SoapFault.client('DOCTYPE is not allowed in a SOAP request');
  // Counted before any parser runs: parsing millions of empty elements would stop the org for seconds.
  if (hasMoreThan(body, '<', MAX_SOAP_TAGS))
    throw SoapFault.client(`The SOAP envelope has more than ${MAX_SOAP_TAGS} tags.`);
  const valid = XMLValidator.validate(body);
  if (valid !== true)
    throw SoapFault.client(`Malformed XML at [row,col]: [${valid.err.line},${valid.err.col}]: ${valid.err.msg}`);
  let doc: unknown;
  try {
    doc = parser.parse(body);
  } catch (err) {
    throw SoapFault.client(`Malformed XML: ${(err as Error).message}`);
  }
  const envelope = child(doc, 'Envelope');
  if (envelope === undefined)
    throw SoapFault.client(`The request is not a SOAP envelope: expected {${SOAP_ENV}}Envelope`);
  const soapBody = child(envelope, 'Body');
  if (typeof soapBody !== 'object' || soapBody === null)
    throw SoapFault.client(`The SOAP envelope has no {${SOAP_ENV}}Body`);
  const operation = Object.keys(soapBody).find((k) => !k.startsWith('#')) ?? '';
  return { operation, call: child(soapBody, operation), header: child(envelope, 'Header') };
}
