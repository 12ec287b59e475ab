// The "your data" section of a registrant's and an invitee's own page: links to their
// export and erasure (src/people/pages.tsx), both GETs that change nothing.
import { dictionary, type Lang } from "../i18n";

/** Links to the person's own export and erasure (src/people/pages.tsx), for /r and /i pages. */
export function YourData({ base, lang }: { base: string; lang: Lang }) {
  const t = dictionary(lang).people;
  return (
    <section aria-labelledby="your-data">
      <h2 id="your-data">{t.yourData}</h2>
      <p class="muted">{t.yourDataText}</p>
      <p class="row">
        <a class="button secondary" href={`${base}/export.json`}>
          {t.exportLink}
        </a>
        <a class="button secondary" href={`${base}/erase?lang=${lang}`}>
          {t.eraseLink}
        </a>
      </p>
    </section>
  );
}
