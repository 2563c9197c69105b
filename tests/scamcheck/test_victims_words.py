"""What victims say about the later stages, in their own words (hand-written examples).

People who already paid do not repeat the scammer's script: they say how often they paid, how,
and what the other side threatens. The checker must read that from the whole story.
"""

import pytest

from scamcheck import Facts, RiskLevel, check

PAID = [
    "I've paid twice already and now he wants a third fee, for insurance",
    "I already did it three times",
    "前后转了三次，一共两万多",
    "I paid several times by scanning their QR codes",
    "this is my fourth payment and they still want more",
    "I bought gift cards and sent them the codes",
    "Paid them 800 yesterday for the processing fee",
    "They said it was for verification, so I transferred 2000",
    "我先交了3000保证金，后来又交了解冻费",
    "我按他说的扫了他的收款码付款了",
    "No, I paid already",
    "We sent them $450 last week",
]
NOT_PAID = [
    "I haven't paid anything yet",
    "she never asked me for money or for any code",
    "should I pay them?",
    "If I paid them would I get the loan?",
    "I got paid yesterday, my salary came in",
    "he paid me back the 200 he owed",
    "我还没转钱",
    "他转了500给我",
    "如果我转了钱会怎样",
    "我转了吗？我记不清了",
    "They want me to pay a 500 fee before the loan",
    "I will pay tomorrow if they send the contract",
    "我从来没有给他们转过钱",
]


@pytest.mark.parametrize("text", PAID)
def test_a_past_payment_in_the_victims_words_sets_the_paid_stage(text):
    result = check(text)
    assert "paid" in result.stages, (text, result.stages)
    assert result.paid_in_story
    assert any(f.id in {"money_already_sent", "repeated_payments"} for f in result.red_flags)


@pytest.mark.parametrize("text", NOT_PAID)
def test_no_payment_is_read_into_questions_negations_or_money_received(text):
    result = check(text)
    assert "paid" not in result.stages, (text, [f.id for f in result.red_flags])


@pytest.mark.parametrize("text", [
    "I've paid twice already and now he wants a third fee, for insurance",
    "I already did it three times",
    "前后转了三次，一共两万多",
    "my 3rd transfer went through this morning and they still say it's not enough",
    "第二次转账之后，客服说还差最后一笔",
])
def test_repeated_payments_are_high_risk(text):
    result = check(text)
    assert result.risk is RiskLevel.HIGH, (text, [f.id for f in result.red_flags])
    assert "repeated_payments" in {f.id for f in result.red_flags}


@pytest.mark.parametrize("text", [
    "now they want another fee for the insurance",
    "after the deposit they asked for a second payment to release it",
    "交完保证金又要我交会员费",
    "客服说还要再交一笔公证费",
])
def test_an_ordinal_or_repeated_fee_request_is_fee_after_fee(text):
    assert "fee_after_fee" in {f.id for f in check(text).red_flags}, text


def test_a_second_instalment_of_a_real_loan_is_not_fee_after_fee():
    result = check("Reminder: your second instalment of the car loan is due on 5 May")
    assert "fee_after_fee" not in {f.id for f in result.red_flags}


@pytest.mark.parametrize("text", [
    "they threaten to send edited photos of me to everyone in my phone",
    "the loan app is blackmailing me with my pictures",
    "他们说不还钱就爆通讯录，还把我的照片P图发给我同事",
    "催收的人威胁我，要把合成的裸照发给我所有的联系人",
])
def test_threats_with_photos_or_contacts_are_loan_app_extortion(text):
    result = check(text)
    assert "loan_app_extortion" in {f.id for f in result.red_flags}, text
    assert result.risk is RiskLevel.HIGH


def test_extortion_by_a_loan_app_means_the_app_is_installed():
    result = check("the loan app threatened to message all my contacts with edited photos")
    assert "installed_app" in result.stages


@pytest.mark.parametrize("text", [
    "they told me to repay to a personal account because the app's repayment channel is down",
    "the agent said to send my repayment to a new account on WhatsApp",
    "客服说APP还款通道维护，让我把还款转到他给的个人账户",
    "催收让我扫他的收款码还款",
])
def test_repaying_through_a_personal_account_or_chat_is_a_fake_repayment_channel(text):
    assert "fake_repayment_channel" in {f.id for f in check(text).red_flags}, text


def test_gift_card_codes_sent_are_a_payment_not_a_shared_login_code():
    result = check("I bought three Steam gift cards and sent him the codes")
    ids = {f.id for f in result.red_flags}
    assert "gift_card_payment" in ids and "code_already_shared" not in ids
    assert result.stages[0] == "paid"


def test_negation_covers_the_whole_clause_it_governs():
    ids = {f.id for f in check("my friend lent me 5000 and she never asked me for money or for "
                               "any code").red_flags}
    assert not ids & {"sms_code_request", "upfront_fee"}


def test_negation_stops_at_a_new_clause():
    ids = {f.id for f in check("I didn't know it was a scam, and I paid the 500 fee").red_flags}
    assert "money_already_sent" in ids


@pytest.mark.parametrize("facts", [Facts(money_sent=True), None])
def test_money_sent_is_always_listed_as_a_warning_sign(facts):
    text = "I paid the deposit they asked for" if facts is None else "they offered me a loan"
    result = check(text, facts)
    assert result.red_flags, "never 'no known warning signs' next to advice for someone who paid"
    assert result.stages[0] == "paid"
    assert any(f.id == "money_already_sent" for f in result.red_flags)


def test_the_conversations_no_overrides_the_words_consistently():
    result = check("I paid them 300", Facts(money_sent=False))
    assert result.paid_in_story
    assert "paid" not in result.stages
    assert "money_already_sent" not in {f.id for f in result.red_flags}


def test_a_stage_the_interview_read_is_a_warning_sign_and_shapes_the_advice():
    from scamcheck import Facts, check

    assessment = check("someone offered me a loan", Facts(done=["shared_code"]), "en")
    assert "code_already_shared" in [f.id for f in assessment.red_flags]
    assert assessment.stages[0] == "shared_code"
