/** Salesforce's GetUserInfoResult: the `userInfo` of a LoginResult and the `result` of `getUserInfo`, children alphabetical. */
import { IdentityUser } from './identity';
import { SESSION_SECONDS } from './sessions';
import { xmlEscape } from './soap-fault';

/** One simple element; null as `xsi:nil`. */
export function soapElement(name: string, value: string | boolean | number | null): string {
  return value === null ? `<${name} xsi:nil="true"/>` : `<${name}>${xmlEscape(String(value))}</${name}>`;
}

/** The children of a GetUserInfoResult for a user. */
export function userInfoXml(u: IdentityUser): string {
  const userInfo: Array<[string, string | boolean | number | null]> = [
    ['accessibilityMode', false],
    ['chatterExternal', u.license === 'Chatter External'],
    ['currencySymbol', '$'],
    ['orgAttachmentFileSizeLimit', 5242880],
    ['orgDefaultCurrencyIsoCode', 'USD'],
    ['orgDefaultCurrencyLocale', 'en_US'],
    ['orgDisallowHtmlAttachments', false],
    ['orgHasPersonAccounts', false],
    ['organizationId', u.orgId],
    ['organizationMultiCurrency', false],
    ['organizationName', u.orgName],
    ['profileId', u.profileId],
    ['roleId', null],
    ['sessionSecondsValid', SESSION_SECONDS],
    ['userDefaultCurrencyIsoCode', null],
    ['userEmail', u.email],
    ['userFullName', u.fullName],
    ['userId', u.userId],
    ['userLanguage', 'en_US'],
    ['userLocale', 'en_US'],
    ['userName', u.username],
    ['userTimeZone', u.timeZone],
    ['userType', u.userType],
    ['userUiSkin', 'Theme3'],
  ];
  return userInfo.map(([k, v]) => soapElement(k, v)).join('');
}
