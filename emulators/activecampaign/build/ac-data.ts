/** One served object with the numbers lists filter and sort on, kept beside the JSON shape. */
export interface AcRecord<T> {
  id: number;
  cdateMs: number;
  udateMs: number;
  object: T;
}

export interface AcContact {
  cdate: string;
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
  orgid: string;
  orgname: string;
  segmentio_id: string;
  bounced_hard: string;
  bounced_soft: string;
  bounced_date: string | null;
  ip: string;
  ua: string | null;
  hash: string;
  socialdata_lastcheck: string | null;
  email_local: string;
  email_domain: string;
  sentcnt: string;
  rating_tstamp: string | null;
  gravatar: string;
  deleted: string;
  anonymized: string;
  adate: string | null;
  udate: string;
  edate: string | null;
  deleted_at: string | null;
  created_utc_timestamp: string;
  updated_utc_timestamp: string;
  created_timestamp: string;
  updated_timestamp: string;
  created_by: string | null;
  updated_by: string | null;
  email_empty: boolean;
  mpp_tracking: string;
  scoreValues: string[];
  accountContacts: string[];
  links: Record<string, string>;
  id: string;
  organization: string | null;
}

export interface AcTag {
  tagType: 'contact';
  tag: string;
  description: string;
  subscriber_count: string;
  cdate: string;
  created_timestamp: string;
  updated_timestamp: string;
  created_by: string | null;
  updated_by: string | null;
  links: Record<string, string>;
  id: string;
}

export interface AcContactTag {
  contact: string;
  tag: string;
  cdate: string;
  created_timestamp: string;
  updated_timestamp: string;
  created_by: string | null;
  updated_by: string | null;
  links: Record<string, string>;
  id: string;
}

export interface AcField {
  title: string;
  descript: string | null;
  type: 'text' | 'date';
  isrequired: string;
  perstag: string;
  defval: string | null;
  show_in_list: string;
  rows: string;
  cols: string;
  visible: string;
  service: string;
  ordernum: string;
  cdate: string;
  udate: string;
  created_timestamp: string;
  updated_timestamp: string;
  created_by: string | null;
  updated_by: string | null;
  options: string[];
  relations: string[];
  links: Record<string, string>;
  id: string;
}

export interface AcFieldValue {
  contact: string;
  field: string;
  value: string;
  cdate: string;
  udate: string;
  created_by: string | null;
  updated_by: string | null;
  links: Record<string, string>;
  id: string;
  owner: string;
}

export interface AcConnection {
  service: string;
  externalid: string;
  name: string;
  isInternal: string;
  connectionType: string;
  status: string;
  syncStatus: string;
  sync_request_time: string | null;
  sync_start_time: string | null;
  lastSync: string | null;
  logoUrl: string;
  linkUrl: string;
  cdate: string;
  udate: string;
  credentialExpiration: string | null;
  links: Record<string, string>;
  id: string;
  serviceName: string;
}

export interface AcEcomCustomer {
  connectionid: string;
  externalid: string;
  email: string;
  totalRevenue: string;
  totalOrders: string;
  totalProducts: string;
  avgRevenuePerOrder: string;
  avgProductCategory: string;
  tstamp: string;
  acceptsMarketing: string;
  links: Record<string, string>;
  id: string;
  connection: string;
}

export interface AcEcomOrder {
  externalid: string;
  externalcheckoutid: string | null;
  orderNumber: string;
  source: string;
  email: string;
  currency: string;
  connectionid: string;
  customerid: string;
  orderUrl: string;
  shippingMethod: string;
  /** Integer cents, like every ecom amount. */
  totalPrice: number;
  shippingAmount: number;
  taxAmount: number;
  discountAmount: number;
  externalCreatedDate: string;
  externalUpdatedDate: string;
  abandonedDate: string | null;
  totalProducts: number;
  createdDate: string;
  updatedDate: string;
  /** 1 = completed, 4 = waiting for payment. */
  state: number;
  connection: string;
  orderProducts: string[];
  orderDiscounts: string[];
  customer: string;
  orderDate: string;
  tstamp: string;
  links: Record<string, string>;
  id: string;
}

export interface AcEcomOrderProduct {
  orderid: string;
  connectionid: string;
  externalid: string;
  sku: string;
  name: string;
  description: string;
  /** Unit price in cents, as a string like the real API prints it. */
  price: string;
  quantity: string;
  category: string;
  imageUrl: string;
  productUrl: string;
  createdDate: string;
  updatedDate: string;
  tstamp: string;
  links: Record<string, string>;
  id: string;
  ecomOrder: string;
}

/** Everything the emulated ActiveCampaign account holds, built from one world. */
export interface AcData {
  seed: number;
  scale: number;
  anchor: string;
  accountName: string;
  timeZone: string;
  contacts: AcRecord<AcContact>[];
  tags: AcRecord<AcTag>[];
  contactTags: AcRecord<AcContactTag>[];
  fields: AcRecord<AcField>[];
  fieldValues: AcRecord<AcFieldValue>[];
  connections: AcRecord<AcConnection>[];
  ecomCustomers: AcRecord<AcEcomCustomer>[];
  ecomOrders: AcRecord<AcEcomOrder>[];
  ecomOrderProducts: AcRecord<AcEcomOrderProduct>[];
  /** Which world person each contact id stands for. */
  contactPerson: Map<number, string>;
  /** World people who bought (a paid order) but are not contacts. */
  buyersNotContacts: number;
}
