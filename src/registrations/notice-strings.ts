// The wording of every workshop email, per language. {name}, {title} and friends are
// filled in by notices.ts.
import type { Lang } from "../i18n";

export type NoticeKind =
  | "verify"
  | "already_registered"
  | "confirmed"
  | "waitlisted"
  | "pending_approval"
  | "promoted"
  | "rejected"
  | "cancelled"
  | "workshop_cancelled"
  | "workshop_updated"
  | "reminder"
  | "invitation"
  | "invitation_reminder"
  | "invitation_cancelled";

interface Wording {
  subject: string;
  heading: string;
  paragraphs: string[];
  action?: string;
}

type Strings = {
  labels: {
    when: string;
    where: string;
    online: string;
    status: string;
    qr: string;
    ignore: string;
  };
} & Record<NoticeKind, Wording>;

export const noticeStrings: Record<Lang, Strings> = {
  en: {
    labels: {
      when: "When",
      where: "Where",
      online: "Online",
      status: "Status",
      qr: "Show this code at the door to check in.",
      ignore: "If you did not ask for this, you can ignore this email.",
    },
    verify: {
      subject: "Confirm your registration: {title}",
      heading: "Confirm your registration",
      paragraphs: [
        "Hello {name}, thank you for registering for “{title}”.",
        "Please confirm your email address to complete your registration.",
      ],
      action: "Confirm my registration",
    },
    already_registered: {
      subject: "Your registration: {title}",
      heading: "You are already registered",
      paragraphs: [
        "Hello {name}, someone (probably you) tried to register this address again for “{title}”.",
        "Your registration is unchanged. Use the link below to see or manage it.",
      ],
      action: "See my registration",
    },
    confirmed: {
      subject: "You are confirmed: {title}",
      heading: "Your place is confirmed",
      paragraphs: [
        "Hello {name}, your place at “{title}” is confirmed.",
        "The calendar file is attached. You can cancel from your registration page if your plans change.",
      ],
      action: "Manage my registration",
    },
    waitlisted: {
      subject: "You are on the waitlist: {title}",
      heading: "You are on the waitlist",
      paragraphs: [
        "Hello {name}, “{title}” is full at the moment, so you are on the waitlist.",
        "If a place frees up, it goes to the next person on the list and we email you at once.",
      ],
      action: "See my registration",
    },
    pending_approval: {
      subject: "Registration received: {title}",
      heading: "Your registration awaits approval",
      paragraphs: [
        "Hello {name}, thank you. The organisers review registrations for “{title}” and will email you their decision.",
      ],
      action: "See my registration",
    },
    promoted: {
      subject: "A place is yours: {title}",
      heading: "A place has opened for you",
      paragraphs: [
        "Hello {name}, a place at “{title}” became free and it is now yours.",
        "The calendar file is attached. If you can no longer come, please cancel so the next person can attend.",
      ],
      action: "Manage my registration",
    },
    rejected: {
      subject: "Your registration: {title}",
      heading: "We could not offer you a place",
      paragraphs: ["Hello {name}, we are sorry: we cannot offer you a place at “{title}”."],
    },
    cancelled: {
      subject: "Registration cancelled: {title}",
      heading: "Your registration is cancelled",
      paragraphs: [
        "Hello {name}, your registration for “{title}” is cancelled. The attached calendar file removes it from your calendar.",
      ],
    },
    workshop_cancelled: {
      subject: "Cancelled: {title}",
      heading: "The workshop is cancelled",
      paragraphs: [
        "Hello {name}, we are sorry to tell you that “{title}” will not take place.",
        "The attached calendar file removes it from your calendar.",
      ],
    },
    workshop_updated: {
      subject: "Updated: {title}",
      heading: "The workshop has changed",
      paragraphs: [
        "Hello {name}, the time or place of “{title}” has changed. The new details are below, and the attached calendar file updates your calendar.",
      ],
      action: "See my registration",
    },
    reminder: {
      subject: "Reminder: {title}",
      heading: "See you soon",
      paragraphs: ["Hello {name}, this is a reminder that “{title}” is coming up."],
      action: "See my registration",
    },
    invitation: {
      subject: "Invitation: {title}",
      heading: "You are invited",
      paragraphs: [
        "Hello {name}, you are invited to “{title}”.",
        "Please let us know whether you can attend. This invitation is personal: please do not forward it.",
      ],
      action: "Reply to the invitation",
    },
    invitation_reminder: {
      subject: "Reminder: your invitation to {title}",
      heading: "Can you attend?",
      paragraphs: [
        "Hello {name}, we have not heard back about your invitation to “{title}”.",
        "Please let us know whether you can attend.",
      ],
      action: "Reply to the invitation",
    },
    invitation_cancelled: {
      subject: "Cancelled: {title}",
      heading: "The workshop is cancelled",
      paragraphs: ["Hello {name}, “{title}”, to which you were invited, will not take place."],
    },
  },
  ar: {
    labels: {
      when: "الموعد",
      where: "المكان",
      online: "عبر الإنترنت",
      status: "الحالة",
      qr: "أظهر هذا الرمز عند الدخول لتسجيل حضورك.",
      ignore: "إن لم تطلب ذلك، يمكنك تجاهل هذه الرسالة.",
    },
    verify: {
      subject: "أكّد تسجيلك: {title}",
      heading: "أكّد تسجيلك",
      paragraphs: [
        "مرحباً {name}، شكراً لتسجيلك في «{title}».",
        "يرجى تأكيد بريدك الإلكتروني لإتمام التسجيل.",
      ],
      action: "تأكيد التسجيل",
    },
    already_registered: {
      subject: "تسجيلك: {title}",
      heading: "أنت مسجّل مسبقاً",
      paragraphs: [
        "مرحباً {name}، حاول أحدهم (على الأرجح أنت) تسجيل هذا العنوان مرة أخرى في «{title}».",
        "لم يتغير تسجيلك. استخدم الرابط أدناه لعرضه أو إدارته.",
      ],
      action: "عرض تسجيلي",
    },
    confirmed: {
      subject: "تم تأكيد مكانك: {title}",
      heading: "تم تأكيد مكانك",
      paragraphs: [
        "مرحباً {name}، تم تأكيد مكانك في «{title}».",
        "ملف التقويم مرفق. يمكنك الإلغاء من صفحة تسجيلك إن تغيّرت خططك.",
      ],
      action: "إدارة التسجيل",
    },
    waitlisted: {
      subject: "أنت على قائمة الانتظار: {title}",
      heading: "أنت على قائمة الانتظار",
      paragraphs: [
        "مرحباً {name}، اكتمل عدد المشاركين في «{title}» حالياً، لذا أنت على قائمة الانتظار.",
        "إذا شغر مكان فسيذهب إلى التالي في القائمة وسنراسلك فوراً.",
      ],
      action: "عرض تسجيلي",
    },
    pending_approval: {
      subject: "استلمنا تسجيلك: {title}",
      heading: "تسجيلك بانتظار الموافقة",
      paragraphs: [
        "مرحباً {name}، شكراً لك. يراجع المنظمون طلبات التسجيل في «{title}» وسيراسلونك بقرارهم.",
      ],
      action: "عرض تسجيلي",
    },
    promoted: {
      subject: "أصبح لك مكان: {title}",
      heading: "شغر مكان وأصبح لك",
      paragraphs: [
        "مرحباً {name}، شغر مكان في «{title}» وأصبح لك الآن.",
        "ملف التقويم مرفق. إن لم تعد تستطيع الحضور فيرجى الإلغاء ليحضر غيرك.",
      ],
      action: "إدارة التسجيل",
    },
    rejected: {
      subject: "تسجيلك: {title}",
      heading: "لم نتمكن من توفير مكان لك",
      paragraphs: ["مرحباً {name}، نأسف لأننا لا نستطيع توفير مكان لك في «{title}»."],
    },
    cancelled: {
      subject: "أُلغي التسجيل: {title}",
      heading: "تم إلغاء تسجيلك",
      paragraphs: [
        "مرحباً {name}، تم إلغاء تسجيلك في «{title}». ملف التقويم المرفق يزيله من تقويمك.",
      ],
    },
    workshop_cancelled: {
      subject: "أُلغيت: {title}",
      heading: "أُلغيت الورشة",
      paragraphs: [
        "مرحباً {name}، نأسف لإبلاغك بأن «{title}» لن تُعقد.",
        "ملف التقويم المرفق يزيلها من تقويمك.",
      ],
    },
    workshop_updated: {
      subject: "تحديث: {title}",
      heading: "تغيّرت تفاصيل الورشة",
      paragraphs: [
        "مرحباً {name}، تغيّر موعد «{title}» أو مكانها. التفاصيل الجديدة أدناه، وملف التقويم المرفق يحدّث تقويمك.",
      ],
      action: "عرض تسجيلي",
    },
    reminder: {
      subject: "تذكير: {title}",
      heading: "نراك قريباً",
      paragraphs: ["مرحباً {name}، هذا تذكير بأن موعد «{title}» يقترب."],
      action: "عرض تسجيلي",
    },
    invitation: {
      subject: "دعوة: {title}",
      heading: "أنت مدعو",
      paragraphs: [
        "مرحباً {name}، يسعدنا دعوتك إلى «{title}».",
        "يرجى إعلامنا إن كنت تستطيع الحضور. هذه الدعوة شخصية، فيرجى عدم إعادة توجيهها.",
      ],
      action: "الرد على الدعوة",
    },
    invitation_reminder: {
      subject: "تذكير بدعوتك إلى {title}",
      heading: "هل تستطيع الحضور؟",
      paragraphs: [
        "مرحباً {name}، لم يصلنا ردك على دعوتك إلى «{title}».",
        "يرجى إعلامنا إن كنت تستطيع الحضور.",
      ],
      action: "الرد على الدعوة",
    },
    invitation_cancelled: {
      subject: "أُلغيت: {title}",
      heading: "أُلغيت الورشة",
      paragraphs: ["مرحباً {name}، الورشة «{title}» التي دُعيت إليها لن تُعقد."],
    },
  },
};

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}
