"""The public door of ``ozonops.rules`` (house habit 1): the exported names are exactly these."""

from __future__ import annotations

import ozonops.rules as rules

EXPECTED = {
    "ACTIVE", "CATALOGUE", "CHAT_WRITE_REFUSED", "RULES_BY_ID", "STATES", "TEMPLATES",
    "AlertEntry", "AlertView", "ChatFacts", "Context", "Evaluation", "Hit", "InvalidTransition",
    "MessageRefused", "NotOnPlan", "OzonFigures", "PenaltyTier", "Preview", "Rendered", "Rule",
    "RuleReport", "RuleSettings", "RulesConfig", "RulesError", "Sent", "StoreJournal",
    "Template", "UnknownAlert", "UnknownRule", "Verdict", "Watchtower",
    "acknowledge", "chat_window", "errors", "evaluate", "evaluate_rule", "event_key",
    "find_hits", "history", "list_alerts", "ozon_now", "postings_of_alerts", "preview_messages",
    "render", "resolve", "rule", "send_messages", "snooze", "store_now", "template",
}  # fmt: skip
#: Settings and Ozon's figures live outside the package (``ozonops.config`` holds them).
ELSEWHERE = {
    "OzonFigures": "ozonops.domain",
    "PenaltyTier": "ozonops.domain",
    "RulesConfig": "ozonops.watch_config",
    "RuleSettings": "ozonops.watch_config",
}


def test_all_is_the_expected_surface() -> None:
    assert set(rules.__all__) == EXPECTED
    assert len(rules.__all__) == len(EXPECTED)


def test_every_exported_name_exists_and_belongs_to_the_package() -> None:
    for name in rules.__all__:
        member = getattr(rules, name)
        module = getattr(member, "__module__", None) or getattr(member, "__name__", "")
        if isinstance(member, tuple | frozenset | str) or type(member).__name__ == "mappingproxy":
            continue  # constants carry no module
        assert module.startswith(ELSEWHERE.get(name, "ozonops.rules")), name
