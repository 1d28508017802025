import type { Catalog, FieldInfo } from './rules';

// "Filters help": every field and operator with what it means, from the same catalog that
// validates segment files and prints `cdp segment fields`.

function FieldTable({ fields }: { fields: Record<string, FieldInfo> }) {
  return (
    <table class="help-table">
      <tbody>
        {Object.entries(fields).map(([name, f]) => (
          <tr key={name}>
            <td>
              <code>{name}</code>
            </td>
            <td class="type">{f.type}</td>
            <td>
              {f.description}
              {f.choices ? ` (${f.choices.join(', ')})` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HelpPanel({ catalog }: { catalog: Catalog }) {
  return (
    <aside class="help-panel" aria-label="filters help">
      <h3>Filters help</h3>
      <p>
        A condition tests the person. <b>has</b> looks for one of their records (optionally <b>counted</b>). Groups combine rules with ALL (AND) or ANY (OR);
        NOT matches everyone a rule does not. Money is in major units of the reporting currency; a date without a time is that day in the account's time zone.
      </p>
      <p>
        <b>Amounts in one currency</b> ({Object.keys(catalog.customerFields).filter((f) => catalog.customerFields[f]!.currency).join(', ')}) read only the orders paid in the currency the
        rule names (a three-letter ISO 4217 code such as USD), in that currency's major units and never converted: "spent between 100 and 1,000 in USD orders". A value finer than
        the currency's minor unit is refused (JPY has none); a person without orders in it has 0.
      </p>
      <h4>Person fields</h4>
      <FieldTable fields={catalog.customerFields} />
      {Object.entries(catalog.entities).map(([name, e]) => (
        <section key={name}>
          <h4>
            has {name}: {e.description}
          </h4>
          <FieldTable fields={e.fields} />
        </section>
      ))}
      <h4>Operators</h4>
      <table class="help-table">
        <tbody>
          {Object.entries(catalog.operators).map(([type, ops]) => (
            <tr key={type}>
              <td class="type">{type}</td>
              <td>{ops.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="help-table">
        <tbody>
          {Object.entries(catalog.operatorHelp).map(([op, help]) => (
            <tr key={op}>
              <td>
                <code>{op}</code>
              </td>
              <td>{help}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </aside>
  );
}
