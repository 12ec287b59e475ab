// Words on the public pages, per language. Admin pages are English-only for now.
import type { Lang } from "../lib/i18n";

export const uiStrings = {
  en: {
    siteName: "Workshops",
    skipToContent: "Skip to content",
    home: "Home",
    language: "Language",
    switchTo: "العربية",
    homeTitle: "Workshops and reports",
    homeIntro:
      "Small workshops on policy questions, and the reports that come out of them. Register for an upcoming workshop or read what earlier ones concluded.",
    upcoming: "Upcoming workshops",
    noUpcoming: "No workshops are open for registration at the moment.",
    latestReports: "Latest reports",
    noReports: "No reports have been published yet.",
    notFoundTitle: "Page not found",
    notFoundText:
      "There is nothing at this address. It may have moved, or the link may be incomplete.",
    errorTitle: "Something went wrong",
    errorText: "The request could not be completed.",
    backHome: "Back to the home page",
    footer: "Attendee lists are never published.",
  },
  ar: {
    siteName: "ورشات العمل",
    skipToContent: "انتقل إلى المحتوى",
    home: "الرئيسية",
    language: "اللغة",
    switchTo: "English",
    homeTitle: "ورشات العمل والتقارير",
    homeIntro:
      "ورشات عمل صغيرة حول قضايا السياسات، والتقارير التي تخرج منها. سجّل في ورشة قادمة أو اقرأ خلاصات الورشات السابقة.",
    upcoming: "الورشات القادمة",
    noUpcoming: "لا توجد ورشات مفتوحة للتسجيل حالياً.",
    latestReports: "أحدث التقارير",
    noReports: "لم تُنشر أي تقارير بعد.",
    notFoundTitle: "الصفحة غير موجودة",
    notFoundText: "لا يوجد شيء على هذا العنوان. ربما نُقل أو أن الرابط غير مكتمل.",
    errorTitle: "حدث خطأ",
    errorText: "تعذّر إتمام الطلب.",
    backHome: "العودة إلى الصفحة الرئيسية",
    footer: "لا تُنشر قوائم المشاركين أبداً.",
  },
} satisfies Record<Lang, Record<string, string>>;

export type UiStrings = (typeof uiStrings)["en"];

export function stringsFor(lang: Lang): UiStrings {
  return uiStrings[lang];
}
