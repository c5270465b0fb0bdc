/**
 * SOAP faults as Salesforce sends them (WIRE.md 1.4): `sf:CODE` faults carry a typed detail, `soapenv:Client` faults
 * are the request's own mistakes. Each SOAP endpoint has its own fault namespace.
 */
export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
export const XML_CONTENT_TYPE = 'text/xml;charset=UTF-8';

/** The fault namespace of the SOAP endpoint a path names: enterprise for `/services/Soap/c/`, partner otherwise. */
export function faultNamespaceFor(path: string): string {
  return path.startsWith('/services/Soap/c/')
    ? 'urn:fault.enterprise.soap.sforce.com'
    : 'urn:fault.partner.soap.sforce.com';
}

/** A SOAP fault: `sf:CODE` faults carry a typed detail; `soapenv:Client` faults are the request's own mistakes. */
export class SoapFault extends Error {
  constructor(
    readonly faultCode: string,
    message: string,
    readonly detailType: 'LoginFault' | 'UnexpectedErrorFault' | null,
  ) {
    super(message);
    this.name = 'SoapFault';
  }

  static login(code: string, message: string): SoapFault {
    return new SoapFault(code, message, 'LoginFault');
  }

  static client(message: string): SoapFault {
    return new SoapFault('soapenv:Client', message, null);
  }

  /** The fault envelope, on one line as Salesforce sends it. */
  toXml(faultNamespace: string): string {
    const sf = this.detailType !== null;
    const faultString = sf ? `${this.faultCode}: ${this.message}` : this.message;
    const detail = sf
      ? `<detail><sf:${this.detailType} xsi:type="sf:${this.detailType}"><sf:exceptionCode>${this.faultCode}</sf:exceptionCode>` +
        `<sf:exceptionMessage>${xmlEscape(this.message)}</sf:exceptionMessage></sf:${this.detailType}></detail>`
      : '';
    return (
      `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:sf="${faultNamespace}" xmlns:xsi="${XSI}">` +
      `<soapenv:Body><soapenv:Fault><faultcode>${sf ? `sf:${this.faultCode}` : this.faultCode}</faultcode>` +
      `<faultstring>${xmlEscape(faultString)}</faultstring>${detail}</soapenv:Fault></soapenv:Body></soapenv:Envelope>`
    );
  }
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}
