"""Every red flag in the knowledge base is reachable from words a user would type."""

import pytest

from scamcheck import get_checker

EXAMPLES = {
    "upfront_fee": "pay a processing fee before the loan",
    "unfreezing_fee": "交解冻费",
    "wrong_card_number_frozen": "银行卡号填错了",
    "brush_flow": "they told me to brush the flow",
    "pay_to_raise_limit": "pay to raise my limit, my score is too low",
    "cannot_withdraw": "提现失败了",
    "guaranteed_approval": "no credit check loan",
    "unsolicited_loan_offer": "Congratulations, your loan is approved",
    "loan_link": "loan up to 50000 at www.quickloan.top/apply",
    "instant_cash": "instant loan in minutes",
    "loan_cold_call": "loan for any purpose, call now",
    "app_from_link": "he sent me an apk file",
    "screen_sharing": "share your screen with me",
    "sms_code_request": "please tell me the verification code",
    "off_platform_contact": "add me on WeChat",
    "personal_account": "pay to this personal account",
    "safe_account": "转到安全账户",
    "impersonated_lender": "京东金融客服打来电话",
    "cancel_student_account": "注销校园贷账户",
    "credit_threat": "会影响征信",
    "close_credit_product": "客服说我的借款利率过高，必须注销",
    "fake_regulator": "银保监会让我转账",
    "urgency_pressure": "do it right now",
    "secrecy": "don't tell anyone about this",
    "loan_app_extortion": "they will call your contacts list",
    "fake_debt_collection": "you owe money, the police will arrest you",
    "paid_credit_repair": "we offer credit repair",
    "recovery_offer": "we can help you recover your money",
    "hand_over_card": "把银行卡寄过去",
    "asks_card_details": "please send your card number",
    "money_already_sent": "I already paid them",
    "repeated_payments": "前后转了三次，一共两万多",
    "fee_after_fee": "now they want a third fee for insurance",
    "fake_repayment_channel": "客服说APP还款通道维护，让我把还款转到他的个人账户",
    "code_already_shared": "I gave them the code",
    "screen_already_shared": "我开了屏幕共享",
    "app_already_installed": "I installed their app from the link they sent, an apk",
    "police_impersonation": "民警说我涉嫌洗钱",
    "official_impersonation": "社保局说我的医保卡涉嫌违法",
    "fake_customer_service_refund": "淘宝客服说要给我理赔",
    "membership_autodebit": "客服说要关闭百万保障",
    "account_phishing": "your account has been suspended, verify here http://x.co/abc",
    "delivery_phishing": "your parcel cannot be delivered",
    "prize_bait": "you have won a prize, call to claim",
    "premium_rate_number": "ring 09061790121",
    "callback_bait": "We tried to call you, please call 09061790121",
    "job_task_scam": "part-time job, earn 200 per day",
    "investment_bait": "join our bitcoin group for high returns",
    "romance_bait": "hey hun wanna chat? http://hot.xyz/abc",
    "malware_alert": "malicious files found, remove them at http://fix.xyz/a",
    "family_emergency": "Hi mum, lost my phone, this is my new number, I need you to transfer money",
    "boss_transfer": "我是老板，帮我转账给客户",
    "bribe_request": "送点红包打点一下，加我微信",
    "gift_card_payment": "pay with a gift card",
    "identity_stolen_claim": "your identity was stolen",
    "cs_account_anomaly": "客服说我的账户异常",
    "cold_loan_offer": "您好，我是贷款公司的客服，请问您有贷款需求吗",
    "loan_private_chat": "加微信办理贷款",
    "pay_via_private_chat": "加我微信然后转账",
    "new_number_contact": "我是你领导，这是我的新号码",
    "transfer_promise_return": "先转过来，第二天如数退还",
    "transfer_to_stranger": "帮我转账",
    "suspicious_link": "click http://a.top/x",
    "approval_with_contact": "Your loan is pre-approved, reply YES to claim it",
    "debt_relief_cold_offer": "Our debt relief programme can write off your debt, call us back today",
    "credit_score_link": "Your credit score changed, see https://score-update.top/view",
    "short_link": "track it here: bit.ly/3abcDEF",
    "lookalike_link": "sign in at paypal-account-check.com/login",
}


def test_every_flag_in_the_knowledge_base_has_an_example():
    assert set(EXAMPLES) == {f["id"] for f in get_checker().kb.red_flags}


@pytest.mark.parametrize("flag_id,text", sorted(EXAMPLES.items()))
def test_flag_is_raised_by_its_example(flag_id, text):
    found = {f.id for f in get_checker().check(text).red_flags}
    assert flag_id in found, (text, found)


@pytest.mark.parametrize("flag_id", sorted(EXAMPLES))
def test_flag_explanations_exist_in_both_languages(flag_id):
    flag = get_checker().flags[flag_id]
    for key in ("label", "why"):
        assert flag[key]["en"] and flag[key]["zh"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in flag[key]["zh"])


def test_every_warning_sign_that_is_not_mere_context_names_a_known_scam():
    checker = get_checker()
    keyed = {f for p in checker.kb.patterns for f in p.get("key_flags", [])}
    missing = [f["id"] for f in checker.kb.red_flags
               if f["category"] != "context" and f["id"] not in keyed and not f.get("stage")]
    assert not missing
