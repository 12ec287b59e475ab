// Words the emails use, per language. Templates take `lang` and read from here.
import type { Lang } from "../src/i18n";

export const emailStrings = {
  en: {
    footer: "You received this email because of an action on the workshops site.",
    signInSubject: "Your sign-in link",
    signInHeading: "Sign in",
    signInIntro: (name: string) =>
      `Hello ${name}, use the button below to sign in to the organisers' area.`,
    signInButton: "Sign in",
    signInExpiry:
      "The link works once and expires in 15 minutes. If you did not ask for it, ignore this email.",
  },
  ar: {
    footer: "وصلتك هذه الرسالة بسبب إجراء على موقع ورشات العمل.",
    signInSubject: "رابط تسجيل الدخول",
    signInHeading: "تسجيل الدخول",
    signInIntro: (name: string) =>
      `مرحباً ${name}، استخدم الزر أدناه لتسجيل الدخول إلى مساحة المنظمين.`,
    signInButton: "تسجيل الدخول",
    signInExpiry:
      "يعمل الرابط مرة واحدة وتنتهي صلاحيته بعد 15 دقيقة. إن لم تطلبه فتجاهل هذه الرسالة.",
  },
} satisfies Record<Lang, Record<string, unknown>>;
