import type {
  AcConnection, AcContact, AcContactTag, AcData, AcEcomCustomer, AcEcomOrder, AcEcomOrderProduct, AcField, AcFieldValue, AcRecord, AcTag,
} from './build/ac-data.js';
import type { AcFilter, AcResource } from './collection.js';
import { badFilter } from './errors.js';
import { parseZonedInput } from '../http/zoned-time.js';

type Rec<T> = AcRecord<T>;

/** Equality on a string member; `caseless` for emails, which v3 matches without regard to case. */
function eq<T>(param: string, field: (r: Rec<T>) => string, caseless = false): AcFilter<T> {
  return {
    param,
    prepare: (raw) => {
      const want = caseless ? raw.trim().toLowerCase() : raw;
      return (r) => (caseless ? field(r).trim().toLowerCase() : field(r)) === want;
    },
  };
}

function idBound<T>(param: string, greater: boolean): AcFilter<T> {
  return {
    param,
    prepare: (raw) => {
      if (!/^\d+$/.test(raw.trim())) throw badFilter(param, `${param} must be a contact id`);
      const bound = Number(raw.trim());
      return (r) => (greater ? r.id > bound : r.id < bound);
    },
  };
}

/** `filters[created_after]` and friends: inclusive bounds on cdate/udate, read as dates or date-times in the account's zone. */
function dateBound<T>(param: string, field: 'cdateMs' | 'udateMs', after: boolean, timeZone: string): AcFilter<T> {
  return {
    param,
    prepare: (raw) => {
      const bound = parseZonedInput(raw, timeZone);
      if (bound === null) throw badFilter(param, `${param} must be a date (YYYY-MM-DD) or an ISO-8601 date-time`);
      return (r) => (after ? r[field] >= bound : r[field] <= bound);
    },
  };
}

/** Erases a resource's record type so differently typed resources share one list. */
function res<T>(spec: AcResource<T>): AcResource {
  return spec as unknown as AcResource;
}

const byId = <T>(r: Rec<T>): number => r.id;
const byCdate = <T>(r: Rec<T>): number => r.cdateMs;
const byUdate = <T>(r: Rec<T>): number => r.udateMs;

/** The list resources the emulator serves, each with the filters and orderings v3 documents for it. */
export function buildAcResources(data: AcData): AcResource[] {
  const tz = data.timeZone;
  // Read per request: a tag added after the account was built counts at once.
  const contactsWithTag = (tagId: string): Set<string> =>
    new Set(data.contactTags.filter((ct) => ct.object.tag === tagId).map((ct) => ct.object.contact));

  return [
    res<AcContact>({
      path: 'contacts', key: 'contacts', singular: 'contact', model: 'Subscriber', records: data.contacts, pageInput: true,
      leading: { scoreValues: [] },
      filters: [
        eq('email', (r) => r.object.email, true),
        { param: 'email_like', prepare: (raw) => (r) => r.object.email.toLowerCase().includes(raw.toLowerCase()) },
        idBound('id_greater', true),
        idBound('id_less', false),
        {
          param: 'tagid',
          prepare: (raw) => {
            const ids = contactsWithTag(raw.trim());
            return (r) => ids.has(r.object.id);
          },
        },
        dateBound('filters[created_after]', 'cdateMs', true, tz),
        dateBound('filters[created_before]', 'cdateMs', false, tz),
        dateBound('filters[updated_after]', 'udateMs', true, tz),
        dateBound('filters[updated_before]', 'udateMs', false, tz),
      ],
      orders: {
        id: byId, cdate: byCdate, udate: byUdate,
        email: (r) => r.object.email.trim().toLowerCase(),
        first_name: (r) => r.object.firstName, last_name: (r) => r.object.lastName,
        name: (r) => `${r.object.firstName} ${r.object.lastName}`,
      },
    }),
    res<AcTag>({ path: 'tags', key: 'tags', singular: 'tag', model: 'Tag', records: data.tags,
      filters: [{ param: 'search', prepare: (raw) => (r) => r.object.tag.toLowerCase().includes(raw.toLowerCase()) }],
      orders: {} }),
    res<AcContactTag>({ path: 'contactTags', key: 'contactTags', singular: 'contactTag', model: 'SubscriberTag', records: data.contactTags,
      filters: [eq('filters[subscriberid]', (r) => r.object.contact), eq('filters[tagid]', (r) => r.object.tag)],
      orders: { id: byId, cdate: byCdate } }),
    res<AcField>({ path: 'fields', key: 'fields', singular: 'field', model: 'Field', records: data.fields, leading: { fieldOptions: [], fieldRels: [] },
      filters: [eq('filters[perstag]', (r) => r.object.perstag)], orders: {} }),
    res<AcFieldValue>({ path: 'fieldValues', key: 'fieldValues', singular: 'fieldValue', model: 'FieldValue', records: data.fieldValues,
      filters: [eq('filters[fieldid]', (r) => r.object.field), eq('filters[val]', (r) => r.object.value)], orders: {} }),
    res<AcConnection>({ path: 'connections', key: 'connections', singular: 'connection', model: 'Connection', records: data.connections,
      filters: [eq('filters[service]', (r) => r.object.service), eq('filters[externalid]', (r) => r.object.externalid)], orders: {} }),
    res<AcEcomCustomer>({ path: 'ecomCustomers', key: 'ecomCustomers', singular: 'ecomCustomer', model: 'EcomCustomer', records: data.ecomCustomers,
      filters: [
        eq('filters[email]', (r) => r.object.email, true),
        eq('filters[externalid]', (r) => r.object.externalid),
        eq('filters[connectionid]', (r) => r.object.connectionid),
      ],
      orders: {} }),
    res<AcEcomOrder>({ path: 'ecomOrders', key: 'ecomOrders', singular: 'ecomOrder', model: 'EcomOrder', records: data.ecomOrders,
      filters: [
        eq('filters[connectionid]', (r) => r.object.connectionid),
        eq('filters[externalid]', (r) => r.object.externalid),
        eq('filters[email]', (r) => r.object.email, true),
        eq('filters[state]', (r) => String(r.object.state)),
        eq('filters[customerid]', (r) => r.object.customerid),
      ],
      orders: {
        id: byId,
        connectionid: (r) => Number(r.object.connectionid),
        externalid: (r) => Number(r.object.externalid),
        email: (r) => r.object.email,
        state: (r) => r.object.state,
        customerid: (r) => Number(r.object.customerid),
        external_created_date: (r) => Date.parse(r.object.externalCreatedDate),
      } }),
    res<AcEcomOrderProduct>({ path: 'ecomOrderProducts', key: 'ecomOrderProducts', singular: 'ecomOrderProduct', model: 'EcomOrderProduct', records: data.ecomOrderProducts,
      filters: [], orders: {} }),
  ];
}
