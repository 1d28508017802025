import { OPERATORS, type ValueType } from './catalog';

// Talon.One custom attributes as segment fields. Each Application defines its own (`/v1/attributes`),
// so they are not fixed fields: a rule asks `has: profile_attribute` with the attribute's name and a
// condition on the value field of its type, and the catalog of each Application (read from the
// warehouse) says which attributes exist, their type, the value field and the operators it takes.
//
//   {has: profile_attribute, where: {all: [{field: name, op: equals, value: Gender}, {field: text, op: equals, value: female}]}}

/** The value field each Talon.One attribute type is compared through; lists and locations compare as text. */
const VALUE_FIELD: Record<string, { field: string; type: ValueType }> = {
  string: { field: 'text', type: 'text' },
  number: { field: 'number', type: 'number' },
  boolean: { field: 'flag', type: 'boolean' },
  time: { field: 'time', type: 'date' },
};
const OTHER_TYPES = { field: 'text', type: 'text' } as const;

/** One custom attribute as a segment field of its Application. */
export interface CustomAttributeField {
  name: string;
  title: string;
  /** Talon.One's type: string, number, boolean, time, a list or a location. */
  attributeType: string;
  /** The field of `profile_attribute` its values are compared through, and that field's type. */
  valueField: string;
  valueType: ValueType;
  operators: readonly string[];
}

export interface ApplicationAttributes {
  environment: string;
  connection: string;
  applicationName: string | null;
  attributes: CustomAttributeField[];
}

/** The custom attributes each Talon.One connection's Application defines, as the warehouse holds them. */
export const CUSTOM_ATTRIBUTES_SQL = `select a.environment, a.connection, any_value(app.application_name) as application_name,
  list({'name': a.attribute_name, 'title': a.title, 'type': a.attribute_type} order by a.attribute_name) as attributes
from staging.stg_talonone__attributes as a
left join staging.stg_talonone__applications as app using (environment, connection)
group by a.environment, a.connection order by a.environment, a.connection`;

/** The catalog per Application, from the rows of {@link CUSTOM_ATTRIBUTES_SQL}. */
export function customAttributeCatalog(rows: readonly Record<string, unknown>[]): ApplicationAttributes[] {
  return rows.map((r) => ({
    environment: String(r.environment),
    connection: String(r.connection),
    applicationName: r.application_name === null || r.application_name === undefined ? null : String(r.application_name),
    attributes: (r.attributes as { name: string; title: string; type: string }[]).map((a) => {
      const value = VALUE_FIELD[a.type] ?? OTHER_TYPES;
      return { name: a.name, title: a.title, attributeType: a.type, valueField: value.field, valueType: value.type, operators: OPERATORS[value.type] };
    }),
  }));
}
