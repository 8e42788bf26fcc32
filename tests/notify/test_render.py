"""Rendering and size limits: long messages are split or cut to each platform's limit,
never rejected, and nothing is lost while they fit in the allowed number of parts."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ozonops.notify import LocalText, render_alert
from ozonops.notify.channels import (
    DingTalkChannel,
    DingTalkConfig,
    FeishuChannel,
    FeishuConfig,
    TelegramChannel,
    TelegramConfig,
    WeComChannel,
    WeComConfig,
)
from ozonops.notify.channels.base import dumps
from ozonops.notify.render import MAX_LINE, MAX_TITLE, clip, pack, utf8_len
from tests.notify.factories import make_notification, secret
from tests.notify.sink_others import parse_telegram_html

WECOM = WeComChannel(WeComConfig(name="w", key=secret("k")))
DING = DingTalkChannel(DingTalkConfig(name="d", access_token=secret("t"), secret=secret("s")))
FEISHU = FeishuChannel(FeishuConfig(name="f", token=secret("t"), secret=secret("s")))
TELEGRAM = TelegramChannel(TelegramConfig(name="t", token=secret("1:x"), chat_id="-1"))

# Chinese, emoji (two UTF-16 units), markup-looking characters, plain ASCII.
alphabet = st.sampled_from(list("货件超时发货店铺abcXYZ <>&*[]_`#🔴🚚 \t"))
lines = st.lists(st.text(alphabet, min_size=1, max_size=1200), min_size=1, max_size=40)


def long_alert(body_lines: list[str], lang: str = "zh") -> Any:
    body = "\n".join(body_lines)
    notification = make_notification(body=LocalText(zh=body, en=body))
    return render_alert(notification, lang=lang, ref="r" * 16)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(body=lines)
def test_wecom_parts_fit_4096_bytes(body: list[str]) -> None:
    parts = WECOM.parts(long_alert(body))
    assert 1 <= len(parts) <= 3
    assert all(utf8_len(part) <= 4096 for part in parts)


@settings(max_examples=40, deadline=None)
@given(body=lines)
def test_telegram_parts_fit_4096_visible_and_stay_valid_html(body: list[str]) -> None:
    for part in TELEGRAM.parts(long_alert(body)):
        visible = parse_telegram_html(part.text)  # raises like Telegram on broken markup
        assert len(visible.encode("utf-16-le")) // 2 <= 4096


@settings(max_examples=20, deadline=None)
@given(body=lines)
def test_dingtalk_and_feishu_parts_fit_their_body_limits(body: list[str]) -> None:
    message = long_alert(body)
    assert all(utf8_len(part.text) <= 20_000 for part in DING.parts(message))
    for card in FEISHU.parts(message):
        request = FEISHU.request(card, now=1_714_530_600, delivery_key="k")
        assert len(request.content) <= 20_000  # the whole body, sign and timestamp included


def test_a_split_message_labels_its_parts_and_repeats_title_and_footer() -> None:
    body = [f"第 {i} 行：" + "货" * 300 for i in range(12)]
    parts = WECOM.parts(long_alert(body))
    assert len(parts) == 3
    for index, part in enumerate(parts, start=1):
        assert f"（{index}/3）" in part.split("\n", 1)[0]
        assert part.rstrip().endswith("编号 rrrrrrrrrrrrrrrr</font>")


@given(
    blocks=st.lists(st.text(alphabet, min_size=1, max_size=60), max_size=60),
    limit=st.integers(min_value=150, max_value=800),
    max_parts=st.integers(min_value=1, max_value=5),
)
def test_pack_keeps_every_block_in_order_while_it_fits(
    blocks: list[str], limit: int, max_parts: int
) -> None:
    def assemble(label: str, group: Any) -> str:
        return "\n".join(["HEAD" + label, *group, "FOOT"])

    parts = pack(
        blocks=blocks,
        assemble=assemble,
        measure=utf8_len,
        limit=limit,
        lang="en",
        max_parts=max_parts,
        truncated="CUT",
    )
    assert 1 <= len(parts) <= max_parts
    assert all(utf8_len(part) <= limit for part in parts)
    kept = [line for part in parts for line in part.split("\n")[1:-1]]
    if kept and kept[-1] == "CUT":
        assert len(parts) == max_parts
        kept = kept[:-1]
        assert kept == blocks[: len(kept)]
        assert len(kept) < len(blocks)
    else:
        assert kept == [b for block in blocks for b in block.split("\n")]


def test_render_clips_title_and_lines_and_translates_fact_labels() -> None:
    notification = make_notification(
        title=LocalText(zh="标" * 500, en="t" * 500),
        body=LocalText(zh="行" * 2000, en="l" * 2000),
        facts={"posting_number": "1", "custom_key": "2"},
    )
    zh = render_alert(notification, lang="zh", ref="abc")
    assert len(zh.title) == MAX_TITLE
    assert zh.title.endswith("…")
    assert [len(line.text) for line in zh.lines] == [MAX_LINE]
    assert zh.facts == (("店铺", "深圳旗舰店"), ("货件号", "1"), ("custom_key", "2"))
    en = render_alert(notification, lang="en", ref="abc")
    assert en.facts[:2] == (("Shop", "深圳旗舰店"), ("Posting", "1"))
    assert en.footer == "ref abc"


def test_clip_flattens_newlines_and_only_cuts_when_needed() -> None:
    assert clip("a\nb", 10) == "a b"
    assert clip("abcdef", 6) == "abcdef"
    assert clip("abcdefg", 6) == "abcde…"


def test_dumps_is_what_platforms_count() -> None:
    assert dumps({"a": "货"}) == '{"a":"货"}'.encode()
