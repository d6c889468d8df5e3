"""Traditional Chinese (`zh-Hant`): converted from the Simplified catalogs by OpenCC, with the
reviewed overrides applied, placeholders intact, accepted wherever a language is."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from conftest import PROJECT

from advisor import advise
from advisor.texts.catalog import LANGUAGES, catalog, check_language
from advisor.texts.traditional import OPENCC_CONFIG, overrides, to_traditional

EXAMPLES = sorted((PROJECT / "examples").glob("*.json"))
DAY = date(2026, 11, 30)

# Characters that exist only in Simplified writing (each has a different Traditional form),
# common in the advice: none may be left in a zh-Hant report.
SIMPLIFIED_ONLY = (
    "们这说还贷债务钉呗个会为时间记录应该问题银对发现过没请电话联让给账单处动经济条协议规则进认号码关闭额产网络结论办"
)
CODE = re.compile(r"\$\([^()]*\)|\{[^{}]*\}")


def flatten(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from flatten(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from flatten(value, (*path, index))
    else:
        yield path, node


def opencc_alone(text: str) -> str:
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG).convert(text)


def test_the_test_list_is_simplified_only():
    for char in SIMPLIFIED_ONLY:
        assert opencc_alone(char) != char, char


def test_language_is_allowed_everywhere_a_language_is():
    assert "zh-Hant" in LANGUAGES
    assert check_language("zh-Hant") == "zh-Hant"
    with pytest.raises(ValueError, match="zh-Hant"):
        advise({"debts": []}, lang="zh-TW")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_report_has_no_simplified_only_characters(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    for debt in data.get("debts", []):
        debt.pop("label", None)  # a person's own words stay as they wrote them
    simplified = advise(data, lang="zh").model_dump(mode="json")
    traditional = advise(data, lang="zh-Hant").model_dump(mode="json")
    assert traditional["language"] == "zh-Hant"
    found_in_simplified = set()
    for where, text in flatten(traditional):
        if not isinstance(text, str) or "locator" in where:  # a source's words are quoted verbatim
            continue
        left = sorted(set(text) & set(SIMPLIFIED_ONLY))
        assert not left, f"{'.'.join(map(str, where))}: {left} in {text!r}"
    for where, text in flatten(simplified):
        if isinstance(text, str) and "locator" not in where:
            found_in_simplified |= set(text) & set(SIMPLIFIED_ONLY)
    assert found_in_simplified, "the Simplified report has none of the listed characters: the test proves nothing"
    # Same advice, other script: codes, likelihoods and the order of actions agree.
    assert [a["code"] for a in traditional["actions"]] == [a["code"] for a in simplified["actions"]]
    assert {t: [(e["code"], e["likelihood"]) for e in b["effects"]] for t, b in traditional["topics"].items()} == {
        t: [(e["code"], e["likelihood"]) for e in b["effects"]] for t, b in simplified["topics"].items()
    }


def test_product_and_key_terms():
    for simplified, traditional in {
        "花呗": "花唄",
        "借呗": "借唄",
        "微粒贷": "微粒貸",
        "钉钉": "釘釘",
        "征信": "徵信",
        "余额": "餘額",
        "支付宝": "支付寶",
        "个人信息保护法": "個人信息保護法",  # the statute's name: no Taiwan vocabulary (資訊)
    }.items():
        assert to_traditional(simplified) == traditional


@pytest.mark.parametrize("simplified", sorted(overrides()))
def test_each_override_is_needed_and_applied(simplified):
    wanted = overrides()[simplified]
    assert to_traditional(simplified) == wanted
    # Needed: OpenCC alone writes it otherwise, in the phrase or in the context it was found in.
    contexts = {
        "只有": "最多只有一笔",
        "发起": "牵头发起的",
        "发卡": "向发卡银行",
        "天后": "30天后",
        "卡里": "银行卡里的钱",
    }
    context = contexts.get(simplified, simplified)
    assert opencc_alone(context) != to_traditional(context), f"{simplified}: OpenCC already gets it right"
    assert wanted in to_traditional(context)


def test_overrides_in_the_advice_texts():
    hant = catalog("zh-Hant").on(DAY)
    texts = [text for _, text in flatten(hant.data) if isinstance(text, str)]
    assert any("最多只有一筆" in text for text in texts)
    assert any("發卡銀行" in text for text in texts)
    assert any("牽頭發起" in text for text in texts)
    assert any(re.search(r"\d天後", text) for text in texts)
    assert not any(bad in text for text in texts for bad in ("隻有", "髮卡", "頭髮", "天后"))


def test_placeholders_intact_and_same_keys():
    simplified = dict(flatten(catalog("zh").data))
    traditional = dict(flatten(catalog("zh-Hant").data))
    assert simplified.keys() == traditional.keys()
    with_code = 0
    for where, text in simplified.items():
        if isinstance(text, str):
            assert CODE.findall(traditional[where]) == CODE.findall(text), where
            with_code += bool(CODE.search(text))
    assert with_code > 50
    # Filled for a day like the Simplified texts: `$(…)` never reaches a reader.
    for where, text in flatten(catalog("zh-Hant").on(DAY).data):
        assert not (isinstance(text, str) and "$(" in text), where


def test_to_traditional_leaves_code_alone():
    assert to_traditional("还款 {amount} 元，$(overdue.long_after_days) 天后 {{注意}}") == (
        "還款 {amount} 元，$(overdue.long_after_days) 天後 {{注意}}"
    )
    assert to_traditional("$(repair.repaid_by|%Y年%-m月%-d日)前还清") == "$(repair.repaid_by|%Y年%-m月%-d日)前還清"


def test_every_command_takes_it(cli, tmp_path):
    path = tmp_path / "situation.json"
    path.write_text(json.dumps({"as_of": "2026-11-30", "debts": [{"product": "huabei", "overdue_days": 45}]}))
    advised = cli("--lang", "zh-Hant", "advise", str(path), "--format", "json")
    assert advised.status == 0 and advised.json()["language"] == "zh-Hant"
    assert "花唄" in advised.json()["topics"]["huabei"]["summary"]
    rules = cli("rules", "--format", "json", "--lang", "zh-Hant")
    assert rules.status == 0 and any("徵信" in r["explanation"] for r in rules.json()["rules"])
    why = cli("explain", str(path), "--why-not", "huabei.suspended", "--format", "json", "--lang", "zh-Hant")
    assert why.status == 0
    whatif = cli("whatif", str(path), "--set", "debts.0.settled=true", "--format", "json", "--lang", "zh-Hant")
    assert whatif.status == 0
    bad = cli("advise", str(tmp_path / "missing.json"), "--lang", "zh-Hant")
    assert bad.status == 2 and "missing.json" in bad.err
    wrong = cli("--lang", "zh-Hant", "advise", "-", stdin='{"debts": [{"product": "bank"}]}')
    assert wrong.status == 2 and "debts[0].product" in wrong.err
    assert not set(wrong.err) & set(SIMPLIFIED_ONLY)
