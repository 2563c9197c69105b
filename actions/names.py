"""Names shared by the domain, the rules and the actions (see docs/ARCHITECTURE.md)."""

from __future__ import annotations

# Slots
LANGUAGE = "language"
LANGUAGE_PINNED = "language_pinned"
REGION = "region"
CONTACT_CHANNEL = "contact_channel"
CLAIMED_IDENTITY = "claimed_identity"
REQUESTED_ACTIONS = "requested_actions"
FEE_TYPES = "fee_types"
MONEY_SENT = "money_sent"
AMOUNT_SENT = "amount_sent"
EXTRA_DETAILS = "extra_details"
OFFER_STORY = "offer_story"
RISK_LEVEL = "risk_level"
STAGES = "stages"
RED_FLAGS = "red_flags"   # ids of the red flags in the latest verdict
INTERVIEW_ASKS = "interview_asks"   # {question: times asked} in this case
PENDING_CONFIRMATION = "pending_confirmation"   # "start_over" while the bot asks "are you sure?"

# The interview's questions, in the order they are asked.
FORM = "offer_check_form"
FORM_SLOTS = (
    CONTACT_CHANNEL, CLAIMED_IDENTITY, REQUESTED_ACTIONS, MONEY_SENT, AMOUNT_SENT, EXTRA_DETAILS,
)
# Everything that describes one offer; cleared when the user starts describing a new one.
OFFER_SLOTS = (
    *FORM_SLOTS, FEE_TYPES, OFFER_STORY, RISK_LEVEL, STAGES, RED_FLAGS, INTERVIEW_ASKS,
)

# Slot values
UNKNOWN = "unknown"       # "I don't know", "skip", "I'd rather not say"
NONE_GIVEN = "none"       # "nothing else"
OTHER = "other"           # an answer in the user's own words that matches no known value
YES, NO = "yes", "no"     # money_sent
START_OVER = "start_over"  # pending_confirmation

# Intents
DESCRIBE_OFFER = "describe_offer"
INFORM = "inform"
CORRECT_ANSWER = "correct_answer"
DONT_KNOW = "dont_know"
REQUEST_LANGUAGE = "request_language"
NLU_FALLBACK = "nlu_fallback"
# Intents whose text belongs to the story of the offer.
STORY_INTENTS = frozenset({DESCRIBE_OFFER, INFORM, CORRECT_ANSWER})

# Entities
PLATFORM = "platform"
FEE_TYPE = "fee_type"
AMOUNT = "amount"
REQUEST_TYPE = "request_type"
REGION_ENTITY = "region"
LANGUAGE_ENTITY = "language"

# Canonical entity values (docs/ARCHITECTURE.md)
CONTACT_CHANNELS = (
    "phone_call", "sms", "wechat", "qq", "app", "website", "social_media", "email", "in_person",
)
REQUEST_TYPES = (
    "pay_fee", "transfer_flow", "screen_share", "sms_code", "install_app", "add_contact",
    "safe_account", "card_details", "cancel_account",
)
PLATFORMS = (
    "jd_finance", "360_iou", "alipay", "jiebei", "huabei", "weilidai", "du_xiaoman", "meituan",
    "fenqile", "zhaolian", "bank", "other_platform", "regulator", "police",
)
REGIONS = ("cn", "us", "uk", "sg", "other")
LANGUAGES = ("en", "zh")

# Privacy
ACTION_FORGET_ME = "action_forget_me"
FORGET_ME_INTENT = "forget_me"             # "forget me" / "删除我的记录": leaves the interview
FORGET_ME_CONFIRMED = "forget_me_confirmed"   # = privacy.markers.FORGET_ME_SLOT

# Awareness
QUIZ_ACTIVE = "quiz_active"      # True while a quiz is running; the quiz rules depend on it
QUIZ_STATE = "quiz_state"        # {"items": [ids], "position": index of the open item, "score": k}
TIPS_GIVEN = "tips_given"        # ids of the tips given in this conversation
STORIES_TOLD = "stories_told"    # ids of the case stories told in this conversation
QUIZ_CHOICE = "quiz_choice"      # entity: scam | legit | unsure
START_QUIZ = "start_quiz"
QUIZ_ANSWER = "quiz_answer"
ASK_TIP = "ask_tip"
ASK_CASE_STORY = "ask_case_story"
ACTION_QUIZ_START = "action_quiz_start"
ACTION_QUIZ_ANSWER = "action_quiz_answer"
ACTION_QUIZ_STOP = "action_quiz_stop"
ACTION_TELL_CASE_STORY = "action_tell_case_story"
ACTION_GIVE_TIP = "action_give_tip"

# Reports
REPORT_STATE = "report_state"             # offered | filed | declined (this case)
REPORT_OFFERED, REPORT_FILED, REPORT_DECLINED = "offered", "filed", "declined"
REPORT_DRAFT = "report_draft"             # the case facts shown to the user when offered
REPORT_IDENTIFIERS = "report_identifiers"  # the user's answer: the scammer's numbers, links, ids
REPORT_REFERENCE = "report_reference"     # the reference number of the filed report
REPORT_FORM = "report_identifiers_form"
REPORT_RISKS = ("medium", "high")         # verdicts after which a report is offered
LOOKUP_INTENT = "lookup_identifier"       # "check this number / link / account"
STOP = "stop"
FEE_TYPE_VALUES = (                       # canonical fee_type entity values (docs/ARCHITECTURE.md)
    "unfreezing_fee", "deposit", "membership_fee", "insurance_fee", "notarisation_fee",
    "handling_fee", "verification_fee", "flow_transfer", "credit_repair_fee", "recovery_fee",
    "tax_fee", "other_fee",
)
