"""Verdicts on our own labelled examples (English, Chinese, mixed, typos, negations, legit)."""

import pytest

from scamcheck import Facts, RiskLevel, check

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


@pytest.mark.parametrize("text", SCAMS_EN + SCAMS_ZH + MIXED_AND_TYPOS)
def test_scam_descriptions_are_flagged_medium_or_high(text):
    result = check(text)
    assert result.risk in (RiskLevel.MEDIUM, RiskLevel.HIGH), (text, result.to_dict())
    assert result.red_flags and result.patterns


@pytest.mark.parametrize("text", LEGIT_AND_SAFE)
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


def test_low_risk_is_never_called_safe():
    result = check("hello, what's the weather like")
    payload = result.to_dict()
    assert payload["risk"] == "low"
    assert "safe" not in str(payload).lower()


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


def test_score_is_bounded_and_consistent_with_risk():
    for text in SCAMS_EN + LEGIT_AND_SAFE:
        result = check(text)
        assert 0 <= result.score <= 100
        if result.risk is RiskLevel.LOW:
            assert result.score < 35


def test_huge_input_is_checked_on_its_beginning_without_crashing():
    text = "they asked for an unfreezing fee. " + "blah " * 250_000
    result = check(text)
    assert result.truncated and result.risk is RiskLevel.HIGH
