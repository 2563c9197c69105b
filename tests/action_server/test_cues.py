import pytest

from actions.cues import amount_in, amount_value, corrected_value, money_sent_cue, region_in, stages_told
from tests.action_server.conftest import entity


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I already paid 2000 yuan as a deposit", "yes"),
        ("we transferred them the unfreezing fee yesterday", "yes"),
        ("I've sent them 500 dollars", "yes"),
        ("actually I did pay them 500", "yes"),
        ("I haven't paid anything yet", "no"),
        ("they want 3000 but I didn't send it", "no"),
        ("not paid yet, should I?", "no"),
        ("我已经转了5000块", "yes"),
        ("交了2000保证金", "yes"),
        ("还没转钱", "no"),
        ("我没有付款", "no"),
        ("they asked me to pay a 2000 fee", None),
        ("他们让我交解冻费", None),
        ("/affirm", None),
        ("", None),
        ("I've paid twice already and now he wants a third fee, for insurance", "yes"),
        ("前后转了三次，一共两万多", "yes"),
        ("she never asked me for money and I never sent any", "no"),
        ("paid by scanning their QR codes, 4 times", "yes"),
        ("I said no at first but then I paid them 800", "yes"),
        ("he told me to send the deposit before 6pm", None),
        ("they sent me a link to download the app", None),
        ("要是不交就冻结", None),
        ("他要我再转一笔", None),
        ("第二次转了3000", "yes"),
        ("I did, about 40000 yuan", "yes"),
        ("之後打了銀行網站上的熱線核實", None),
        ("我打了5000过去", "yes"),
        ("money went out. 180k total I think", "yes"),
        ("and moved the loan money into the account they gave me", "yes"),
        ("把8800额度提出来转到他说的清查账户", "yes"),
        ("他让我把钱转到安全账户", None),
        ("轉咗30.5萬去一個私人銀行戶口", "yes"),
        ("I did what he said and called the bank", None),
        ("I installed a loan app and gave it the permissions it asked", None),
        ('now they want the "first months payment" sent by western union', None),
    ],
)
def test_money_sent_cue_reads_clear_statements_only(text, expected):
    assert money_sent_cue(text) == expected


@pytest.mark.parametrize("text", ["I already did it three times", "did it yesterday", "yes twice"])
def test_a_vague_payment_counts_when_it_answers_the_money_question(text):
    assert money_sent_cue(text, answering_money=True) == "yes"


def test_a_vague_did_it_without_context_is_not_a_payment():
    assert money_sent_cue("I did it because he said so") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I paid 2,000 yuan", "2,000 yuan"),
        ("转了3万", "3万"),
        ("about $500", "$500"),
        ("on the 12 of May", None),
        ("no idea", None),
    ],
)
def test_amount_in_finds_the_amount_as_written(text, expected):
    assert amount_in(text) == expected


@pytest.mark.parametrize(
    ("written", "value"),
    [("2,000 yuan", 2000.0), ("3万", 30000.0), ("5k", 5000.0), ("1.5千", 1500.0), ("a lot", None)],
)
def test_amount_value_understands_chinese_and_k_multipliers(written, value):
    assert amount_value(written) == value


def test_corrected_value_skips_the_negated_value_after_it():
    text = "actually it was 360 IOU, not JD"
    found = [entity("platform", "360_iou", 16, 23), entity("platform", "jd_finance", 29, 31)]
    assert corrected_value(text, found) == "360_iou"


def test_corrected_value_skips_the_negated_value_before_it():
    text = "不是京东，是360借条"
    found = [entity("platform", "jd_finance", 2, 4), entity("platform", "360_iou", 6, 11)]
    assert corrected_value(text, found) == "360_iou"


def test_corrected_value_is_none_without_entities():
    assert corrected_value("actually no", []) is None


@pytest.mark.parametrize(
    ("text", "region"),
    [("im in sg btw", "sg"), ("I live in the UK now", "uk"), ("我在香港", "other"),
     ("tell us what happened", None), ("a lender in the US called", "us"),
     ("moved from China to Singapore", "sg"), ("/inform", None)],
)
def test_region_in_reads_the_place_the_user_names(text, region):
    assert region_in(text) == region


@pytest.mark.parametrize(
    ("text", "stages"),
    [("点链接下了个app", ["installed_app"]), ("让我下载一个app", []),
     ("I gave him the code from the text", ["shared_code"]), ("I never gave them any code", []),
     ("bought gift cards and gave him the codes", []), ("he asked me to share my screen", []),
     ("I opened screen sharing like he said", ["shared_screen"]), ("我把验证码告诉了他", ["shared_code"])],
)
def test_stages_told_reads_what_the_user_already_did(text, stages):
    assert stages_told(text) == stages


@pytest.mark.parametrize("text, stages", [
    ("The man made me share my screen to cancel my loan", ["shared_screen"]),
    ("they got me to install an app", ["installed_app"]),
    ("he had me read him the otp", ["shared_code"]),
    ("he asked me to share my screen", []),        # a request, not something done
    ("I did not share my screen", []),
])
def test_what_the_caller_made_the_user_do_counts_as_done(text, stages):
    assert stages_told(text) == stages


@pytest.mark.parametrize("text, amount", [
    ("The man who said he was 360 IOU customer service", None),   # part of a name
    ("360借条的客服打电话给我", None),
    ("I paid 3 times", None),
    ("I paid 500 to them", "500"),
    ("交了500给他", "500"),
    ("the fee is 3000", "3000"),
    ("I sent 2,000 yuan", "2,000 yuan"),
])
def test_a_bare_number_is_an_amount_only_where_money_is_spoken_of(text, amount):
    assert amount_in(text) == amount


@pytest.mark.parametrize("text, stages", [
    ("贷款的客服让我把手机收到的验证码告诉他，我已经说了", ["shared_code"]),
    ("They wanted the code from my phone. I already gave it", ["shared_code"]),
    ("he asked me to share my screen. i did it", ["shared_screen"]),
    ("他要我手机上的验证码。我没有给", []),
    ("他让我共享屏幕，我不敢", []),
])
def test_a_request_followed_by_i_already_did_it_counts_as_done(text, stages):
    assert stages_told(text) == stages
