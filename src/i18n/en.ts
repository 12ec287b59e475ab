// Every word the public pages and the emails say, in English. This dictionary is the
// shape every other language's must have (Dictionary is `typeof en`): a missing or extra
// key in a translation is a type error, and test/i18n.test.ts checks that a translation
// keeps each string's {placeholders}, which fill() replaces.

/** The wording of one workshop email. */
export interface NoticeWording {
  subject: string;
  heading: string;
  paragraphs: string[];
  /** The button's label, in the emails that carry a link. */
  action?: string;
}

// Keeps the notice kinds as keys while each value is typed as a NoticeWording.
const notices = <Kind extends string>(wordings: Record<Kind, NoticeWording>) => wordings;

export const en = {
  /** Public pages: layout, home, workshops, registrations, invitations, errors. */
  ui: {
    siteName: "Workshops",
    skipToContent: "Skip to content",
    home: "Home",
    language: "Language",
    homeTitle: "Workshops and reports",
    homeIntro:
      "Small workshops on policy questions, and the reports that come out of them. Register for an upcoming workshop or read what earlier ones concluded.",
    upcoming: "Upcoming workshops",
    noUpcoming: "No workshops are open for registration at the moment.",
    latestReports: "Latest reports",
    noReports: "No reports have been published yet.",
    allReports: "All reports",
    subscribeLink: "Subscribe to the reports",
    notFoundTitle: "Page not found",
    notFoundText:
      "There is nothing at this address. It may have moved, or the link may be incomplete.",
    errorTitle: "Something went wrong",
    errorText: "The request could not be completed.",
    backHome: "Back to the home page",
    footer: "Attendee lists are never published.",
    when: "When",
    yourTime: "In your time zone",
    where: "Where",
    online: "Online",
    modeLegend: "How will you take part?",
    modeInPerson: "In person",
    modeOnline: "Online",
    modeRequired: "Choose how you will take part: in person or online.",
    modeWaitlist: "waitlist only",
    modeFull: "full",
    attendance: "Taking part",
    attendanceHybrid: "In person or online, with separate places for each",
    locationPrivate: "The exact place is shared with confirmed participants.",
    venueSentOn: "The exact place will be sent to confirmed participants on {date}.",
    venueSentToYouOn: "The venue will be sent to you on {date}.",
    // The public side never gives a count of places: in a small closed room, a live count
    // tells who is registering.
    seatsOpen: "Places available",
    seatsFew: "Few places left",
    waitlistOpen: "Full — waitlist open",
    full: "Full",
    closed: "Registration closed",
    notYetOpen: "Registration opens {date}",
    cancelled: "Cancelled",
    invitationOnly: "By invitation only",
    register: "Register",
    registerTitle: "Register for this workshop",
    reviewedNote:
      "The organisers review every registration: you will hear from them once yours is approved.",
    name: "Full name",
    email: "Email",
    affiliation: "Organisation or affiliation",
    needsHeading: "Anything we should arrange for you?",
    needsHint:
      "Only the organisers of this workshop see this. It is erased with the rest of your data for this workshop.",
    accessibility: "Accessibility needs",
    dietary: "Dietary requirements",
    optional: "optional",
    receiveReport: "Send me the workshop report when it is published",
    subscribe: "Also subscribe to the newsletter",
    confidentialityTitle: "Confidentiality",
    confidentialityApplies: "Participants of this workshop agree to this rule:",
    acknowledge: "I accept this rule",
    listedOptIn:
      "Show my name and affiliation to the other confirmed participants of this workshop",
    agendaTitle: "Agenda",
    agendaRoom: "Room: {room}",
    agendaSpeakers: "Speakers",
    agendaModerators: "Moderation",
    agendaUnnamedSpeaker: "Speaker",
    agendaUnnamedModerator: "Moderator",
    agendaCalendarHeading: "Agenda:",
    participantsTitle: "Other participants",
    participantsIntro:
      "Confirmed participants who chose to be listed. Only confirmed participants see this list.",
    participantsNone: "Nobody has chosen to be listed yet.",
    listedYes: "You are on this list: other confirmed participants see your name and affiliation.",
    listedNo: "You are not on this list.",
    joinList: "Add me to the list",
    leaveList: "Take me off the list",
    required: "required",
    submit: "Register",
    fixErrors: "Please correct the fields marked below.",
    checkEmailTitle: "Check your email",
    checkEmail:
      "We sent a message to {email}. Follow the link in it to confirm your registration. If you registered before, the message has the link to your registration.",
    registeredTitle: "You are registered",
    // Said alike to a new registrant and to an address already registered.
    registeredEmail:
      "We sent a message to {email} with the link to your registration, where you can see its status, add it to your calendar or cancel.",
    contactLine: "Questions? Write to {contact}.",
    registrationTitle: "Your registration",
    status: "Status",
    statusPending_verification: "Waiting for your confirmation",
    statusPending_approval: "Waiting for the organisers' approval",
    statusConfirmed: "Confirmed",
    statusWaitlisted: "On the waitlist (position {n})",
    statusAttended: "Attended",
    statusCancelled: "Cancelled",
    statusRejected: "Not accepted",
    confirmButton: "Confirm my registration",
    confirmHelp: "Press the button to confirm your email address.",
    cancelButton: "Cancel my registration",
    leaveWaitlist: "Leave the waitlist",
    cancelHelp: "If you cannot come, cancelling frees your place for someone else.",
    addToCalendar: "Add to calendar (.ics)",
    linkInvalidTitle: "Link not valid",
    linkInvalid:
      "This link is not valid, or it has expired. Use the most recent email we sent you.",
    workshopCancelled: "This workshop has been cancelled.",
    backToWorkshop: "Workshop page",
    invitationTitle: "Your invitation",
    invitationFor: "You are invited as {email}.",
    accept: "I will attend",
    decline: "I cannot attend",
    invitationAccepted: "Thank you — your reply is recorded.",
    invitationDeclined: "Thank you for letting us know. We are sorry you cannot attend.",
    invitationClosed: "This invitation can no longer be answered.",
    enterName: "Enter your name.",
    enterEmail: "Enter a valid email address.",
    nameTooLong: "Your name is too long: use at most {max} characters.",
    tooLong: "Use at most {max} characters.",
    // Shown instead of the service's own message, which is in English.
    fieldInvalid: "This field is required or invalid.",
    // The registration form's own wording for validateAnswers' errors.
    answerRequired: "This question needs an answer.",
    tickRequired: "This box must be ticked.",
    pickOption: "Pick one of the options.",
    // Cancelling asks first; a cancellation can be undone while a place is free.
    cancelConfirmTitle: "Cancel your registration?",
    leaveWaitlistConfirmTitle: "Leave the waitlist?",
    cancelConfirmText:
      "Your place goes to the next person on the waitlist, or to whoever registers next. Afterwards you can restore your registration from your registration page, while a place is free.",
    cancelConfirmYes: "Yes, cancel my registration",
    leaveWaitlistYes: "Yes, leave the waitlist",
    cancelConfirmNo: "No, keep my registration",
    cancelledNotice: "Your registration is cancelled.",
    restoreHelp:
      "Changed your mind? Restore your registration: you get a place if one is free, otherwise you join the end of the waitlist.",
    restoreHelpNoWaitlist:
      "Changed your mind? You can restore your registration while a place is free.",
    restoreHelpApproval:
      "Changed your mind? Restore your registration and it goes back to the organisers for review.",
    restoreButton: "Restore my registration",
    restoredConfirmed: "Your registration is restored: your place is confirmed.",
    restoredWaitlisted:
      "Your registration is restored. No place was free, so you are on the waitlist (position {n}).",
    restoredPending: "Your registration is restored and awaits the organisers' approval.",
    restoreNoPlace:
      "No place is free any more and this workshop has no waitlist, so your registration stays cancelled.",
    restoreOrganisers:
      "The organisers cancelled this registration, so it cannot be restored here. Write to them if you think it is a mistake.",
    restoreTooLate:
      "This registration can no longer be restored: the workshop has begun or was cancelled.",
    manageRegistration: "Manage your registration",
  },
  /** Public report pages. */
  reports: {
    archive: "Reports",
    empty: "No reports have been published yet.",
    published: "Published",
    size: "Text size",
    smaller: "Smaller text",
    reset: "Default size",
    larger: "Larger text",
    also: "Also in",
    feed: "Reports feed (Atom)",
    pdf: "Download the PDF edition",
  },
  /** The organisers' report form: each language version's fields are labelled in it. */
  reportForm: {
    legend: "English version (leave the title empty for none)",
    title: "Title",
    summary: "Summary",
    body: "Body (Markdown)",
    state: "Translation status",
    stateReady: "Ready: sent to readers of this language",
    stateDraft: "Draft: not sent; its readers get the default language",
  },
  /** Subscriber pages and the confirmation emails. */
  subscribers: {
    confirmSubject: "Confirm your subscription",
    confirmHeading: "Confirm your subscription",
    confirmText:
      "Someone (probably you) asked to receive our workshop reports at this address. Press the button to confirm. If it was not you, ignore this email and nothing happens.",
    confirmAction: "Confirm my subscription",
    existsSubject: "Your subscription",
    existsHeading: "You are already subscribed",
    existsText:
      "This address already receives our reports. You can change your topics and language, or unsubscribe, from your subscription page.",
    manageAction: "Manage my subscription",
    subscribeTitle: "Subscribe to our reports",
    subscribeIntro:
      "Receive the summary of each workshop by email, in English or Arabic. We confirm every subscription by email first.",
    email: "Email",
    name: "Name",
    optional: "optional",
    language: "Language",
    topics: "Topics",
    subscribe: "Subscribe",
    checkEmailTitle: "Check your email",
    checkEmail:
      "If the address can receive our reports, a message to {email} asks you to confirm. Nothing is sent before you do.",
    pageTitle: "Your subscription",
    statusPending: "Waiting for your confirmation",
    statusActive: "Subscribed",
    statusUnsubscribed: "Unsubscribed",
    statusBounced: "Paused: our emails to this address bounced",
    statusComplained: "Paused: an email was reported as unwanted",
    status: "Status",
    confirm: "Confirm my subscription",
    save: "Save my preferences",
    saved: "Your preferences are saved.",
    confirmed: "Thank you: your subscription is confirmed.",
    unsubscribeButton: "Unsubscribe",
    unsubscribeTitle: "Unsubscribe",
    unsubscribeText:
      "Press the button to stop receiving our reports as a subscriber. Reports about a workshop you registered for are a separate choice, with their own link in those emails.",
    unsubscribed:
      "You are unsubscribed. You will receive no more reports as a subscriber at this address.",
    /** The one-click link of a report sent to a workshop's attendee: that workshop only. */
    stopWorkshopTitle: "Stop reports about this workshop",
    stopWorkshopText:
      "Press the button to stop receiving reports about the workshop you registered for. Your subscription to our reports, if you have one, does not change.",
    stopWorkshopButton: "Stop these reports",
    stoppedWorkshop:
      "Done. You will receive no more reports about this workshop. Your subscription to our reports, if you have one, does not change.",
    exportLink: "Download my data (JSON)",
    eraseButton: "Erase my data",
    eraseText:
      "Deletes your subscription and everything we store about it. We keep only the address on a do-not-email list, so that it is never added again.",
    erased: "Your data is erased.",
    invalid: "This link is not valid, or has expired. Use the most recent email we sent you.",
    invalidTitle: "Link not valid",
  },
  /** A registrant's or invitee's own data, from their /r/ or /i/ page: export and erasure. */
  people: {
    yourData: "Your data",
    yourDataText: "Download what we hold about you for this workshop, or erase it.",
    exportLink: "Download my data (JSON)",
    eraseLink: "Erase my data",
    eraseTitle: "Erase your data",
    eraseText:
      "This erases your registration and invitation for “{title}”, and the emails we keep about them. A place or waitlist spot you hold goes to the next person. Your subscription to our reports, if you have one, stays: you can erase it from its own page. This cannot be undone, and this link will stop working.",
    eraseConfirm: "Yes, erase my data",
    keep: "No, keep my data",
    erasedTitle: "Your data is erased",
    erased: "We no longer hold your registration or invitation for this workshop.",
  },
  /** The door (check-in) page, which door staff see in the language they choose. */
  door: {
    door: "Door",
    seatsTaken: "{n} seats taken.",
    checkedInCount: "{n} of {total} checked in",
    scanHeading: "Scan a code",
    unsupported: "Scanning isn't available on this device: search by name below.",
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
    already: "{name} was already checked in at {time}.",
  },
  /** The feedback survey after a workshop: its email, the participant's page, the default questions. */
  feedback: {
    title: "Your feedback",
    intro:
      "A few questions about “{title}”. Your answers are anonymous: the organisers see only totals, once at least five people have answered, never who said what.",
    ratingHint: "1 = poor, 5 = excellent",
    ratingLow: "poor",
    ratingHigh: "excellent",
    optional: "(optional)",
    submit: "Send my answers",
    thanksTitle: "Thank you",
    thanks: "Your answers are recorded. Thank you for taking the time.",
    alreadyAnswered:
      "You have already answered this survey. Answers cannot be changed: they are kept apart from your name, so nothing links them back to you.",
    closedTitle: "This survey is closed",
    closed: "The survey for this workshop no longer takes answers.",
    errorSummary: "Some answers need attention:",
    chooseRating: "Choose a number from 1 to 5.",
    answerRequired: "This question needs an answer.",
    tooLong: "Keep it under {max} characters.",
    emailSubject: "Your feedback on {title}",
    emailHeading: "How was the workshop?",
    emailParagraphs: [
      "Hello {name}, thank you for taking part in “{title}”.",
      "Would you tell us how it went? It takes two minutes. Your answers are anonymous: the organisers see only totals, never who said what.",
    ],
    emailAction: "Answer the survey",
    emailExpiry: "The link works for 30 days.",
    emailReason: "You receive this email because you took part in “{title}”.",
    defaultOverall: "Overall, how would you rate the workshop?",
    defaultUseful: "How useful was it for your work?",
    defaultComments: "Anything else you would like to tell the organisers?",
  },
  /** Words every email shares, the sign-in and report emails, notice labels. */
  emails: {
    invitationWhere: "It takes place in {city}.",
    invitationAbout: "What it is about: {about}",
    /** The name an organiser's preview of a workshop email greets. */
    sampleName: "Leila Haddad",
    footer: "You received this email because of an action on the workshops site.",
    /** The footer's one reason, per kind of email ({title}: the workshop). */
    reasonRegistered: "You receive this email because you registered for “{title}”.",
    reasonInvited: "You receive this email because the organisers of “{title}” invited you.",
    reasonSignIn:
      "You receive this email because someone asked to sign in to the organisers' area with this address.",
    manageRegistration: "Manage your registration",
    signInSubject: "Your sign-in link",
    signInHeading: "Sign in",
    signInIntro: "Hello {name}, use the button below to sign in to the organisers' area.",
    signInButton: "Sign in",
    signInExpiry:
      "The link works once and expires in 15 minutes. If you did not ask for it, ignore this email.",
    when: "When",
    where: "Where",
    online: "Online",
    takingPart: "Taking part",
    contactLine: "Questions? Write to {contact}.",
    checkInCode: "Show this code at the door to check in.",
    notYou: "If you did not ask for this, you can ignore this email.",
    /** An "also subscribe" on the registration form: its confirmation rides in this email. */
    subscriptionText:
      "You also asked for our newsletter. It starts only once you confirm it; until then we send you nothing.",
    subscriptionAction: "Confirm your newsletter subscription",
    reportWeb: "Read it on the web",
    /** The footer of a report names the one consent it relies on; {topics} is a list. */
    reportWhySubscribedTo: "You receive this because you subscribed to our reports on {topics}.",
    reportWhySubscribed: "You receive this because you subscribed to our reports.",
    reportWhyRegistered: "You receive this because you registered for “{workshop}”.",
    /** Each withdraws only the consent its footer names. */
    reportStopSubscription: "Unsubscribe from our reports",
    reportStopWorkshop: "Stop reports about this workshop",
    reportPdf: "Download the PDF edition",
    reportGreeting: "Dear {name},",
    messageGreeting: "Hello {name}",
  },
  /** One wording per workshop email; {name} and {title} are the recipient and workshop, {inviter} who invites. */
  notices: notices({
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
    // Sent instead of already_registered when the address's registration was cancelled.
    restore_offer: {
      subject: "Your cancelled registration: {title}",
      heading: "Restore your registration?",
      paragraphs: [
        "Hello {name}, someone (probably you) tried to register this address again for “{title}”.",
        "You cancelled your registration earlier. You can restore it from your registration page, which tells you whether a place is free.",
      ],
      action: "Restore my registration",
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
    venue: {
      subject: "Where it takes place: {title}",
      heading: "The venue",
      paragraphs: [
        "Hello {name}, here is where “{title}” takes place.",
        "The attached calendar file adds the place to your calendar. Please keep it to yourself: it is shared only with confirmed participants.",
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
        "Hello {name}, {inviter} invites you to “{title}”.",
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
  }),
};

export type Dictionary = typeof en;

/** Every workshop email there is wording for. */
export type NoticeKind = keyof Dictionary["notices"];
