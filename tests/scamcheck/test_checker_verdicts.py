"""Verdicts on our own labelled examples (English, Chinese, mixed, typos, negations, legit)."""

import re

import pytest

from actions.verdict import verdict_text
from scamcheck import Facts, RiskLevel, check, cli

SCAMS_EN = [
    "They said my loan is approved but I must pay a 500 yuan processing fee before they release it",
    "the agent told me I typed my card number wrong and now the loan is frozen, pay 30% to unfreeze",
    "JD Finance customer service called, I need to brush the flow by transferring 5000 to show "
    "repayment ability",
    "a man from 360 IOU says my student loan account must be cancelled or my credit record is affected",
    "they want me to download a meeting app and share my screen so they can guide me",
    "he asked me to read him the verification code that just came to my phone",
    "the loan officer asked me to add him on WeChat and pay the membership fee to a personal account",
    "someone online says they can recover my money if I pay a recovery fee first",
    "the loan app says it will send my photos to all my contacts unless I pay",
    "Guaranteed approval, no credit check, bad credit ok! Instant cash loan, apply here www.fastloan-now.com",
    "They told me to move my savings to a safe account to protect it from hackers",
    "Pay for credit repair and we will remove the bad records from your credit report",
]
SCAMS_ZH = [
    "京东金融客服说我银行卡号填错了，贷款被冻结，要交解冻金才能提现",
    "对方说我的征信评分不足，要先转5000刷流水才能下款",
    "自称360借条客服，说我大学期间开通了校园贷，必须注销，不然影响征信",
    "客服让我下载腾讯会议开启屏幕共享，说要指导我操作",
    "他让我把手机收到的验证码告诉他",
    "贷款专员让我加他微信，先交2000元会员费才能放款",
    "网贷APP说不还钱就爆我通讯录，把照片发给我的亲友",
    "有人说可以帮我追回被骗的钱，但要先交手续费",
    "警官说我涉嫌洗钱，要把钱转到安全账户配合调查",
    "无抵押免征信，黑户也能贷，秒到账，点击链接下载APP",
    "对方让我把银行卡寄过去帮他们走账，说可以包装流水",
    "花钱就能征信修复，消除逾期记录",
]
MIXED_AND_TYPOS = [
    "JD金融客服说我的loan被冻结了，要交unfreeze fee 2000块",
    "custmer servise said pay a deposite to unfreze my lone",
    "they want a procesing fee befor the loan is relesed",
    "貸款被凍結了，客服要我交解凍費",  # Traditional Chinese
]
LEGIT_AND_SAFE = [
    "they did NOT ask for any fee, the money arrived in my account",
    "the bank said the fee is included in the interest and shown in the contract",
    "Hi mum, I'll be home late tonight, save me some dinner",
    "【某银行】您尾号1234的信用卡本期账单已出，快捷支付手续费全免。",
    "Your verification code is 482913. Do not share this code with anyone.",
    "我下午去银行柜台办了房贷，利率合同里都写清楚了",
    "The processing fee is deducted from the loan amount, as the lender explained in branch",
    "明天一起吃饭吗？我请客",
]

# Realistic messages and descriptions written for these tests (not from any dataset).
MORE_SCAMS = [
    'URGENT: Your HSBC account has been frozen due to suspicious login. Verify now at '
    'hsbc-secure-check.com/verify',
    'HMRC: You are eligible for a tax refund of £265.80. Claim here: http://hmrc-refund.uk-gov.info/claim',
    'Royal Mail: your parcel is on hold due to an unpaid shipping fee of £1.45. Pay at '
    'royalmail-redeliver.com/pay',
    'Hi Mum, I dropped my phone in the toilet, this is my new number. Can you help me pay a bill today?',
    "You've been selected for a remote job, earn $500 a day working 1 hour, message us on WhatsApp",
    'Get a £5,000 loan today regardless of credit history, no guarantor needed, text YES to 60777',
    'Dear customer, your loan of Rs 50000 is approved. Pay Rs 999 processing charge to receive the amount',
    "I got a call saying they're from the bank fraud team and need me to move my money to a new "
    "account to keep it safe",
    'A lady on the phone said she is from JD Finance and my loan rate is too high, I must '
    'close the loan or my credit report will be damaged',
    'The app showed 30000 approved but when I tried to withdraw it said my bank card number '
    'was wrong and the funds are frozen',
    'They said I need to deposit 20% of the loan to prove I can repay it',
    'I met a guy on a dating app who wants me to invest in a crypto platform with guaranteed profits',
    'A debt collector says I will be arrested today unless I pay with iTunes gift cards',
    'They asked me to install AnyDesk so they could help me fix the loan application',
    '您好，您的快递丢失，我们将给您三倍赔偿，请添加客服QQ办理理赔',
    '【国家反诈中心】您的账户涉嫌违法，请立即点击链接配合调查',
    '我是你领导，明天来我办公室一趟，先帮我给一个朋友转5万块钱',
    '恭喜您获得抖音周年庆大奖，请点击链接领取奖品',
    '兼职刷单，一单一结，日赚300元，加微信了解',
    '我在网上贷款，对方说我的银行卡被冻结了，要交30%的解冻金才能提现',
    '客服说我开通了百万保障，每月要扣费，让我下载会议软件取消',
    '有个投资导师拉我进群，说跟着买稳赚不赔',
    '对方说要先交一个月的利息作为保证金才能放款',
    '贷款平台说我流水不够，让我往一个账户转两万证明还款能力，说放款时一起退还',
    '有人自称微粒贷客服，说我的额度需要注销，不然影响征信，让我下载屏幕共享软件',
    '我已经转了三次钱给他们了，还说要交最后一笔手续费',
]
MORE_LEGIT = [
    'Your Amazon order has shipped and will arrive Tuesday. Track it at https://amazon.com/orders',
    'Your verification code is 123456. It expires in 10 minutes. Never share this code with anyone.',
    'Reminder: your loan repayment of $250 is due on 5 June. Pay in the app or at any branch.',
    'Hi, are we still on for lunch tomorrow? Let me know',
    'Your package was delivered to your front porch at 2:14pm.',
    'Thank you for your payment of £45.00 to British Gas.',
    'Your monthly statement is ready. Log in to online banking to view it.',
    'Congratulations on your graduation! So proud of you',
    'Can you send me the photos from the party?',
    'We have received your loan application. A loan officer will contact you within 3 business days.',
    'Dentist appointment reminder: Thursday 10am. Reply C to confirm.',
    "Your account password was changed. If this wasn't you, call the number on the back of your card.",
    'The meeting is moved to zoom, link in the calendar invite',
    'My boss wants me to stay late again, ugh',
    'Mum can you transfer me 20 quid for the train, will pay you back Friday',
    'Your mortgage application has been approved in principle. Your adviser will call to discuss next steps.',
    'Flash sale! 50% off all shoes this weekend only at www.shoeshop.com/sale',
    '【招商银行】您的信用卡账单已出，本期应还1234.56元，到期还款日12月5日。',
    '【京东】您的订单已发货，快递单号SF123456，请注意查收。',
    '您的验证码是837261，5分钟内有效，请勿泄露给他人。',
    '妈，我晚上不回来吃饭了',
    '【中国银行】您尾号8888的账户于11月20日入账工资5000.00元。',
    '明天下午三点开会，记得带材料',
    '您好，您在我行申请的房贷已审批通过，请携带身份证到网点签约。',
    '快递已放在小区门口的丰巢柜，取件码123456',
    '老板让我周末加班，烦死了',
    '【支付宝】您的花呗本月账单已出，请在10日前还款，可在支付宝APP内查看。',
    '下周同学聚会，你来吗？',
    '儿子，天冷了多穿点衣服',
    '我们店周年庆，全场八折，欢迎光临',
    '您的包裹已签收，感谢使用顺丰速运',
    '【工商银行】温馨提示：本行工作人员不会向您索要验证码，谨防诈骗。',
    '我把钱转给你了，记得查收',
    '请问您需要贷款吗？我行推出低息消费贷，详情请到网点咨询',
]


@pytest.mark.parametrize("text", SCAMS_EN + SCAMS_ZH + MIXED_AND_TYPOS + MORE_SCAMS)
def test_scam_descriptions_are_flagged_medium_or_high(text):
    result = check(text)
    assert result.risk in (RiskLevel.MEDIUM, RiskLevel.HIGH), (text, result.to_dict())
    assert result.red_flags and result.patterns


@pytest.mark.parametrize("text", LEGIT_AND_SAFE + MORE_LEGIT)
def test_ordinary_and_honest_messages_stay_low(text):
    result = check(text)
    assert result.risk is RiskLevel.LOW, (text, result.to_dict())


def test_negated_fee_does_not_raise_the_fee_flag():
    flags = {f.id for f in check("they did NOT ask me for any fee before the loan").red_flags}
    assert "upfront_fee" not in flags


def test_fee_included_in_interest_is_not_an_upfront_fee():
    flags = {f.id for f in check("the bank said the fee is included in the interest of the loan").red_flags}
    assert "upfront_fee" not in flags


def test_conditional_negation_still_counts():
    result = check("if you don't pay the unfreezing fee your loan stays frozen")
    assert "unfreezing_fee" in {f.id for f in result.red_flags}


def test_evidence_quotes_the_users_own_words_even_with_typos():
    result = check("custmer servise said pay a deposite to unfreze my lone")
    evidence = [e for f in result.red_flags for e in f.evidence]
    assert "unfreze" in evidence


def test_language_follows_the_text_and_labels_are_in_that_language():
    zh = check("客服让我交解冻费")
    en = check("they want an unfreezing fee")
    assert zh.language == "zh" and en.language == "en"
    assert zh.red_flags[0].label != en.red_flags[0].label
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh.red_flags[0].why)


def test_mixed_chinese_english_is_understood_as_chinese():
    result = check("JD金融客服说我的loan被冻结了，要交unfreeze fee")
    assert result.language == "zh"
    assert "unfreezing_fee" in {f.id for f in result.red_flags}


def test_non_loan_scams_are_flagged_and_named_as_other_scams():
    result = check("This is the police. You are involved in a money laundering case, transfer your "
                   "savings to a safe account now")
    assert result.risk is RiskLevel.HIGH
    assert result.patterns[0].kind == "other"


LOW_RISK_MESSAGES = {"en": "hello, what's the weather like", "zh": "你好，今天天气怎么样"}
SAFE_WORDS = {"en": re.compile(r"\bsafe(ly|ty)?\b", re.I), "zh": re.compile("安全|放心")}
NEGATIONS = {"en": re.compile(r"\b(not|never|no)\b|n't", re.I), "zh": re.compile("不|没|别|未")}
QUOTED = re.compile(r'"[^"]*"|“[^”]*”|「[^」]*」')


def what_the_cli_prints(text: str, lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main([text, "--lang", lang]) == 0
    return capsys.readouterr().out


def sentences_calling_it_safe(text: str, lang: str) -> list[str]:
    """Every clause that says "safe" without negating it (quoted scam terms such as
    "safe account" are the scammer's words, not ours)."""
    clauses = re.split(r"[.,;:!?。，；：！？()（）\n]", QUOTED.sub("", text))
    return [c for c in clauses if SAFE_WORDS[lang].search(c) and not NEGATIONS[lang].search(c)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_low_risk_verdict_is_never_worded_as_safe_and_says_how_to_verify(lang, capsys):
    assessment = check(LOW_RISK_MESSAGES[lang], None, lang)
    assert assessment.risk is RiskLevel.LOW
    chat = verdict_text(assessment, lang)
    command_line = what_the_cli_prints(LOW_RISK_MESSAGES[lang], lang, capsys)
    for shown in (chat, command_line):
        assert sentences_calling_it_safe(shown, lang) == [], shown
        assert not re.search(r"no risk|risk-free|没有风险|无风险|零风险", shown, re.I), shown
        assert ("official" in shown) if lang == "en" else ("官方" in shown), shown
    # The verdict says plainly that finding nothing is not proof.
    assert SAFE_WORDS[lang].search(chat.split("\n")[0]) and NEGATIONS[lang].search(chat.split("\n")[0])


@pytest.mark.parametrize("wording, lang", [
    ("I found no warning signs, so this offer is safe.", "en"),
    ("Good news: you can safely go ahead.", "en"),
    ("没有发现诈骗特征，可以放心办理。", "zh"),
    ("这个平台是安全的。", "zh"),
])
def test_the_safe_wording_check_catches_a_verdict_that_calls_it_safe(wording, lang):
    assert sentences_calling_it_safe(wording, lang)


def test_facts_from_the_conversation_count_even_without_words():
    result = check("", Facts(fee_types=["membership_fee"], requests=["screen_share"]))
    assert {"upfront_fee", "screen_sharing"} <= {f.id for f in result.red_flags}
    assert result.risk is RiskLevel.HIGH


def test_money_already_sent_changes_the_advice_to_urgent_steps():
    paid = check("I already paid the unfreezing fee", Facts(money_sent=True))
    unpaid = check("they want an unfreezing fee")
    assert paid.advice[0] == "call_110_stop_payment"
    assert unpaid.advice[0] == "stop_do_not_pay"


def test_region_selects_local_channels():
    uk = check("I paid a loan fee", Facts(money_sent=True, region="uk"))
    assert "report_uk_paid" in uk.advice and "call_110_stop_payment" not in uk.advice


RANK = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


@pytest.mark.parametrize("scam", SCAMS_EN + SCAMS_ZH)
def test_friendly_small_talk_around_a_scam_does_not_lower_the_risk(scam):
    alone = check(scam)
    wrapped = check(f"{LEGIT_AND_SAFE[2]} {scam} {LEGIT_AND_SAFE[-1]}")
    assert RANK[wrapped.risk] >= RANK[alone.risk], (scam, alone.to_dict(), wrapped.to_dict())


def test_two_warning_signs_together_are_at_least_as_risky_as_either_alone():
    one = check("they want a 500 yuan processing fee before the loan")
    other = check("he asked me to read him the verification code")
    both = check("they want a 500 yuan processing fee before the loan, and he asked me to read him "
                 "the verification code")
    assert RANK[both.risk] >= max(RANK[one.risk], RANK[other.risk])
    assert {f.id for f in one.red_flags} | {f.id for f in other.red_flags} <= {f.id for f in both.red_flags}


def test_huge_input_is_checked_on_its_beginning_without_crashing():
    text = "they asked for an unfreezing fee. " + "blah " * 250_000
    result = check(text)
    assert result.truncated and result.risk is RiskLevel.HIGH


SAME_HEADLINE_CASES = [
    ("he asked me to read him the verification code", "en", RiskLevel.HIGH),
    ("他让我把验证码告诉他", "zh", RiskLevel.HIGH),
    ("He called me about a loan on WeChat", "en", RiskLevel.MEDIUM),
    ("客服让我加QQ聊贷款", "zh", RiskLevel.MEDIUM),
    (LOW_RISK_MESSAGES["en"], "en", RiskLevel.LOW),
    (LOW_RISK_MESSAGES["zh"], "zh", RiskLevel.LOW),
]


@pytest.mark.parametrize("text, lang, risk", SAME_HEADLINE_CASES)
def test_the_command_line_and_the_chatbot_give_the_same_headline(text, lang, risk, capsys):
    assessment = check(text, None, lang)
    assert assessment.risk is risk
    chat_headline = verdict_text(assessment, lang).split("\n")[0]
    cli_headline = what_the_cli_prints(text, lang, capsys).split("\n")[0]
    assert cli_headline == f"{chat_headline} ({assessment.score}/100)"
