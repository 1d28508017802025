import type { EntitySpec } from './catalog';

// Apart from custom-attributes.ts so that the catalog can list it without importing back what imports the catalog.

/** The record kind of a profile's custom attributes, one row per profile and attribute with a value (core.customer_attributes). */
export const PROFILE_ATTRIBUTE_ENTITY: EntitySpec = {
  description: "a custom attribute of the person's Talon.One profile (core.customer_attributes); `cdp segment fields` lists each Application's attributes, types and value field",
  from: 'core.customer_attributes',
  fields: {
    name: { type: 'text', sql: 'e.attribute_name', description: 'the attribute, as the Application names it (e.g. Gender)' },
    connection: { type: 'text', sql: 'e.connection', description: "the Talon.One connection (one Application)" },
    type: { type: 'text', sql: 'e.attribute_type', description: "the attribute's type in Talon.One", choices: ['string', 'number', 'boolean', 'time', '(list string)', '(list number)', '(list time)', 'location', '(list location)'] },
    text: { type: 'text', sql: 'e.text_value', description: 'the value of a string attribute (lists and locations as their JSON text)' },
    number: { type: 'number', sql: 'e.number_value', description: 'the value of a number attribute' },
    time: { type: 'date', sql: 'e.time_value', description: 'the value of a time attribute' },
    flag: { type: 'boolean', sql: 'e.boolean_value', description: 'the value of a boolean attribute' },
  },
};
