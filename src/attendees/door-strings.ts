// The door page's words: door staff work in the workshop's language, so this page speaks
// English and Arabic like the public ones.
import type { Lang } from "../i18n";

export const doorStrings = {
  en: {
    door: "Door",
    seatsTaken: "{n} seats taken.",
    scanHeading: "Scan a code",
    unsupported: "This browser cannot scan codes: search by name instead.",
    denied: "The camera is not available: search by name instead.",
    startCamera: "Start the camera",
    camera: "Camera",
    findHeading: "Find by name",
    searchLabel: "Name or affiliation",
    search: "Search",
    nobody: "Nobody confirmed matches “{q}”.",
    checkedInAt: "Checked in {time}",
    checkIn: "Check in",
    done: "{name} is checked in.",
    already: "{name} was already checked in at {time} UTC.",
  },
  ar: {
    door: "الدخول",
    seatsTaken: "عدد الأماكن المحجوزة: {n}.",
    scanHeading: "مسح الرمز",
    unsupported: "لا يستطيع هذا المتصفح مسح الرموز: ابحث بالاسم بدلاً من ذلك.",
    denied: "الكاميرا غير متاحة: ابحث بالاسم بدلاً من ذلك.",
    startCamera: "تشغيل الكاميرا",
    camera: "الكاميرا",
    findHeading: "البحث بالاسم",
    searchLabel: "الاسم أو الجهة",
    search: "بحث",
    nobody: "لا يوجد مشارك مؤكَّد يطابق «{q}».",
    checkedInAt: "سُجّل حضوره {time}",
    checkIn: "تسجيل حضور",
    done: "تم تسجيل حضور {name}.",
    already: "سبق تسجيل حضور {name} في الساعة {time} بتوقيت UTC.",
  },
} satisfies Record<Lang, Record<string, string>>;
