/** The mailbox owner and their defaults: `GET /me`, `/me/mailboxSettings`, `/me/calendar` and `/me/calendars`. */
import { FastifyInstance } from 'fastify';
import { MailboxRecord } from './store';
import { guidFrom, makeChangeKey } from './ids';
import { resource, sendJson } from './http';
import { contextUrl } from './paging';
import { queryOf } from './query-options';
import { Obj } from './properties';

function renderCalendar(m: MailboxRecord): Obj {
  return {
    id: m.calendarId,
    name: 'Calendar',
    color: 'auto',
    hexColor: '',
    isDefaultCalendar: true,
    changeKey: makeChangeKey(m.no, 0),
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    isTallyingResponses: true,
    isRemovable: false,
    owner: { name: m.displayName, address: m.user },
  };
}

export function registerMe(app: FastifyInstance): void {
  resource(app, ['/me'], {
    GET: (req, reply, m) => {
      queryOf(req, ['$select']);
      sendJson(reply, 200, {
        '@odata.context': contextUrl(req, 'users/$entity'),
        businessPhones: [],
        displayName: m.displayName,
        givenName: null,
        jobTitle: null,
        mail: m.user,
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: 'en-US',
        surname: null,
        userPrincipalName: m.user,
        id: guidFrom(m.user.toLowerCase()),
      });
    },
  });
  resource(app, ['/me/mailboxSettings'], {
    GET: (req, reply, m) => {
      sendJson(reply, 200, {
        '@odata.context': contextUrl(req, `users('${encodeURIComponent(m.user)}')/mailboxSettings`),
        timeZone: m.timeZone,
        dateFormat: 'M/d/yyyy',
        timeFormat: 'h:mm tt',
        delegateMeetingMessageDeliveryOptions: 'sendToDelegateOnly',
        language: { locale: 'en-US', displayName: 'English (United States)' },
        workingHours: {
          daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
          startTime: '08:00:00.0000000',
          endTime: '17:00:00.0000000',
          timeZone: { name: m.timeZone },
        },
      });
    },
  });
  resource(app, ['/me/calendar'], {
    GET: (req, reply, m) => {
      sendJson(reply, 200, {
        '@odata.context': contextUrl(req, `users('${encodeURIComponent(m.user)}')/calendars/$entity`),
        ...renderCalendar(m),
      });
    },
  });
  resource(app, ['/me/calendars'], {
    GET: (req, reply, m) => {
      queryOf(req, ['$select', '$top']);
      sendJson(reply, 200, {
        '@odata.context': contextUrl(req, `users('${encodeURIComponent(m.user)}')/calendars`),
        value: [renderCalendar(m)],
      });
    },
  });
}
