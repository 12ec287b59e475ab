// A date and time an organiser enters on their own clock (an embargo, a scheduled send): a
// datetime-local box and, next to it, the time zone it is read in. The services take UTC
// instants; ./form.ts `zonedFromForm` reads the pair back.

import { adminDictionary, DEFAULT_LANG, fill, type Lang } from "../i18n";
import { utcToZonedLocal } from "../lib/time";
import { localTimeName, timeZoneChoices } from "../lib/time-zones";

export function ZonedTimeField({
  name,
  label,
  zone,
  value,
  hint,
  lang = DEFAULT_LANG,
}: {
  /** The language of the page around it. */
  lang?: Lang;
  name: string;
  /** What the time is ("Embargo until"): the label adds the zone it is read in. */
  label: string;
  /** The zone shown and chosen by default (the linked workshop's, or UTC). */
  zone: string;
  /** The stored instant, shown on the zone's clock. */
  value?: Date | null;
  hint?: string;
}) {
  const id = `f-${name}`;
  const zoneId = `${id}-zone`;
  const listId = `${id}-zones`;
  const t = adminDictionary(lang).zonedTime;
  return (
    <div class="row">
      <div>
        <label for={id}>{fill(t.label, { label, zone: localTimeName(zone, lang) })}</label>
        {hint ? (
          <p class="hint" id={`${id}-hint`}>
            {hint}
          </p>
        ) : null}
        <input
          id={id}
          name={name}
          type="datetime-local"
          value={value ? utcToZonedLocal(value, zone) : ""}
          aria-describedby={hint ? `${id}-hint` : undefined}
        />
      </div>
      <div>
        <label for={zoneId}>{t.zone}</label>
        <input
          id={zoneId}
          name={`${name}Zone`}
          type="text"
          list={listId}
          value={zone}
          autocomplete="off"
          spellcheck={false}
          dir="ltr"
        />
        <datalist id={listId}>
          <option value="UTC" label="UTC" />
          {timeZoneChoices(lang).map((z) => (
            <option value={z.value} label={z.label} />
          ))}
        </datalist>
      </div>
    </div>
  );
}
