"""``wechat-sim``: play the WeChat server on the command line to test the WeChat channel locally.

It builds the XML WeChat would post, signs it with the token (and encrypts it in safe mode), posts
it to the webhook and prints the bot's passive reply. With ``--fake-api PORT`` it also plays the
WeChat API (access token + customer-service messages), so answers that take longer than 4.5 s are
printed when the bot pushes them; start Rasa with ``WECHAT_API_BASE=http://127.0.0.1:PORT`` and any
``WECHAT_APP_SECRET`` for that.

Examples::

    wechat-sim "有人让我交解冻费"
    wechat-sim --type subscribe
    wechat-sim --interactive            # one message per line; ":help" lists the commands
    wechat-sim --verify                 # the URL check WeChat does when you save the settings
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time

import aiohttp
from aiohttp import web

from tooling.wechat_sim.fake_api import FakeWeChatAPI
from tooling.wechat_sim.messages import (
    DEFAULT_OPENID,
    DEFAULT_URL,
    MESSAGE_TYPES,
    BotReply,
    ReplyError,
    SimConfig,
    build_message_xml,
    new_msg_id,
    post_message,
    verify_url,
)


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        prog="wechat-sim",
        description="Play WeChat's server: sign and post a message to the bot, print its reply.",
    )
    parser.add_argument("text", nargs="*", help="message text (voice: the recognised text)")
    parser.add_argument("--url", default=env("WECHAT_SIM_URL", DEFAULT_URL), help="webhook URL")
    parser.add_argument("--token", default=env("WECHAT_TOKEN", ""), help="default: $WECHAT_TOKEN")
    parser.add_argument("--app-id", default=env("WECHAT_APP_ID", ""), help="default: $WECHAT_APP_ID")
    parser.add_argument(
        "--aes-key",
        default=env("WECHAT_ENCODING_AES_KEY", ""),
        help="EncodingAESKey; when set, messages are encrypted (default: $WECHAT_ENCODING_AES_KEY)",
    )
    parser.add_argument("--plain", action="store_true", help="send unencrypted even with a key")
    parser.add_argument("--type", default="text", choices=MESSAGE_TYPES, help="message type")
    parser.add_argument("--openid", default=DEFAULT_OPENID, help="the user's OpenID")
    parser.add_argument("--msg-id", type=int, help="fixed MsgId (to replay a message)")
    parser.add_argument("--repeat", type=int, default=1, help="deliver N times, like retries")
    parser.add_argument("--interactive", "-i", action="store_true", help="chat line by line")
    parser.add_argument("--verify", action="store_true", help="only do the URL verification")
    parser.add_argument(
        "--fake-api",
        type=int,
        metavar="PORT",
        help="also serve a fake WeChat API on 127.0.0.1:PORT and print pushed messages",
    )
    parser.add_argument(
        "--push-wait", type=float, default=20.0, help="seconds to wait for pushed answers"
    )
    return parser


def _show(status: int, reply: BotReply | str) -> bool:
    if isinstance(reply, str):
        print(f"[HTTP {status}] {reply.strip()}")
        return False
    if reply.text is None:
        print("(success: no passive reply; a slow answer would come as a customer-service message)")
    elif reply.text == "" and reply.fields:
        print(f"({reply.fields.get('MsgType')} reply) {reply.fields}")
    else:
        print(reply.text)
    return True


async def _print_pushes(api: FakeWeChatAPI | None, seen: int, wait: float) -> int:
    if api is None:
        return seen
    messages = await api.wait_for_messages(seen + 1, wait)
    for message in messages[seen:]:
        print(f"[customer-service message] {message.get('text', {}).get('content', message)}")
    return len(messages)


async def _send(
    session: aiohttp.ClientSession,
    config: SimConfig,
    kind: str,
    text: str,
    msg_id: int | None,
    create_time: int | None = None,
) -> tuple[bool, bool]:
    """Send one message; return (ok, answered passively)."""
    xml = build_message_xml(kind, text, config.openid, config.account, msg_id, create_time)
    status, reply = await post_message(session, config, xml)
    ok = _show(status, reply)
    return ok, ok and isinstance(reply, BotReply) and reply.text is not None


INTERACTIVE_HELP = (
    "Type a message and press Enter. Commands: :subscribe  :unsubscribe  :image  :link  "
    ":location  :video  :voice <text>  :quit"
)


async def _interactive(
    session: aiohttp.ClientSession, config: SimConfig, api: FakeWeChatAPI | None, wait: float
) -> int:
    print(INTERACTIVE_HELP)
    loop = asyncio.get_running_loop()
    pushed = 0
    while True:
        line = await loop.run_in_executor(None, _prompt)
        if line is None or line.strip() in (":quit", ":q"):
            return 0
        line = line.strip()
        if not line:
            continue
        if line == ":help":
            print(INTERACTIVE_HELP)
            continue
        kind, text = "text", line
        if line.startswith(":"):
            command, _, text = line[1:].partition(" ")
            if command not in MESSAGE_TYPES:
                print(f"unknown command {line!r}; {INTERACTIVE_HELP}")
                continue
            kind = command
        _ok, answered = await _send(session, config, kind, text, None)
        if not answered:
            pushed = await _print_pushes(api, pushed, wait if kind in ("text", "voice") else 0.5)


def _prompt() -> str | None:
    try:
        return input("you> ")
    except EOFError:
        return None


async def run(args: argparse.Namespace) -> int:
    """Run the simulator with parsed arguments; return the exit code."""
    config = SimConfig(
        url=args.url,
        token=args.token,
        app_id=args.app_id,
        aes_key=args.aes_key,
        encrypt=bool(args.aes_key) and not args.plain,
        openid=args.openid,
    )
    runner: web.AppRunner | None = None
    api: FakeWeChatAPI | None = None
    if args.fake_api:
        api = FakeWeChatAPI()
        runner = web.AppRunner(api.app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", args.fake_api).start()
        print(f"fake WeChat API on http://127.0.0.1:{args.fake_api} (set WECHAT_API_BASE to it)")
    try:
        async with aiohttp.ClientSession() as session:
            if args.verify:
                status, echoed = await verify_url(session, config)
                print("URL verification:", "OK" if echoed else f"FAILED (HTTP {status})")
                return 0 if echoed else 1
            if args.interactive:
                return await _interactive(session, config, api, args.push_wait)
            text = " ".join(args.text)
            if args.type in ("text",) and not text:
                print("wechat-sim: give the message text, or use --type / --interactive")
                return 2
            msg_id, create_time = args.msg_id or new_msg_id(), int(time.time())
            all_ok, answered = True, False
            for _ in range(max(args.repeat, 1)):  # a retry repeats MsgId and CreateTime
                ok, passive = await _send(session, config, args.type, text, msg_id, create_time)
                all_ok, answered = all_ok and ok, answered or passive
            if not answered:
                await _print_pushes(api, 0, args.push_wait)
            return 0 if all_ok else 1
    except aiohttp.ClientError as error:
        print(f"wechat-sim: cannot reach {config.url}: {error}", file=sys.stderr)
        return 1
    except ReplyError as error:
        print(f"wechat-sim: WeChat would reject this reply: {error}", file=sys.stderr)
        return 1
    finally:
        if runner is not None:
            await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wechat-sim`` command."""
    args = _parser().parse_args(argv)
    if not args.token:
        print("wechat-sim: set WECHAT_TOKEN or pass --token (the same token Rasa uses)")
        return 2
    if args.aes_key and not args.plain and (len(args.aes_key) != 43 or not args.app_id):
        print("wechat-sim: safe mode needs a 43-character --aes-key and --app-id")
        return 2
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
