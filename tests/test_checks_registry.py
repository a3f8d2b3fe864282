"""The registry: declarations are validated, selection by prefix and category, severity
overrides, config files, and the generated rules page."""

from __future__ import annotations

import pytest

from scorer.checks import REGISTRY, Check, Registry
from scorer.checks.catalog import rules_markdown
from scorer.checks.registry import CODE_PATTERN, selector_matches
from scorer.config import ConfigError, Settings, find_config, load_settings
from scorer.findings import Category, Severity
from tests.conftest import ROOT


def _codes(settings: Settings) -> list[str]:
    return [c.code for c in REGISTRY.select(settings)]


def test_codes_are_well_formed_unique_and_match_their_family():
    family_of = {Category.S: "S", Category.M: "M", Category.A: "A", Category.R: "R", Category.T: "T",
                 Category.STRUCT: "ST", Category.FIN: "F", Category.FORMAT: "FMT"}
    codes = [c.code for c in REGISTRY]
    assert len(codes) == len(set(codes))
    for check in REGISTRY:
        assert CODE_PATTERN.match(check.code)
        assert check.family() == family_of[check.category], check.code
    assert len({c.name for c in REGISTRY}) == len(codes), "slugs must be unique too"


def test_registration_refuses_incomplete_or_duplicate_checks():
    registry = Registry()

    class NoTexts(Check):
        code = "ZB-X001"
        name = "x"
        category = Category.S
        severity = Severity.info
        scope = "indicator"

    with pytest.raises(TypeError, match="missing"):
        registry.register(NoTexts)

    class Bad(NoTexts):
        code = "M1"

    with pytest.raises(TypeError, match="code"):
        registry.register(Bad)
    registry.register(REGISTRY.get("ZB-M001"))
    with pytest.raises(TypeError, match="already used"):
        registry.register(REGISTRY.get("ZB-M001"))


@pytest.mark.parametrize("selector, picked, not_picked", [
    ("ZB-S", "ZB-S001", "ZB-ST001"),
    ("S", "ZB-S004", "ZB-ST009"),
    ("ST", "ZB-ST001", "ZB-S001"),
    ("STRUCT", "ZB-ST011", "ZB-S002"),
    ("FIN", "ZB-F001", "ZB-FMT001"),
    ("ZB-F", "ZB-F007", "ZB-FMT002"),
    ("ZB-M00", "ZB-M006", "ZB-A001"),
    ("zb-m002", "ZB-M002", "ZB-M001"),
    ("ALL", "ZB-T001", None),
])
def test_selectors(selector, picked, not_picked):
    assert selector_matches(selector, REGISTRY.get(picked))
    if not_picked:
        assert not selector_matches(selector, REGISTRY.get(not_picked))


def test_select_and_ignore():
    assert set(_codes(Settings(select=["ZB-A"]))) == {f"ZB-A00{i}" for i in range(1, 10)}
    codes = _codes(Settings(select=["ALL"], ignore=["ZB-S", "FORMAT"]))
    assert "ZB-S001" not in codes and "ZB-FMT001" not in codes and "ZB-ST001" in codes


def test_most_specific_severity_override_wins():
    settings = Settings(severity={"ZB-M": "info", "ZB-M002": "error"})
    by_code = {c.code: c.effective_severity for c in REGISTRY.select(settings)}
    assert by_code["ZB-M002"] == Severity.error
    assert by_code["ZB-M003"] == Severity.info
    assert by_code["ZB-A001"] == Severity.error  # its default


def test_bad_settings_are_rejected():
    with pytest.raises(ValueError):
        Settings(select=["not a code!"])
    with pytest.raises(ValueError):
        Settings(unknown_key=1)
    with pytest.raises(ValueError):
        Settings(grades={"excellent": 50, "good": 80, "fair": 60})


def test_config_found_upward_pyproject_without_section_skipped(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.zhibiao]\nignore = ["ZB-T"]\n', encoding="utf-8")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    table_file = nested / "table.txt"
    table_file.write_text("", encoding="utf-8")
    assert find_config(table_file) == tmp_path / "pyproject.toml"
    settings, path = load_settings(near=table_file)
    assert settings.ignore == ["ZB-T"] and path == tmp_path / "pyproject.toml"
    # A zhibiao.toml nearer wins, and command-line ignores add to it.
    (nested / "zhibiao.toml").write_text('select = ["ZB-M"]\n[thresholds]\nsatisfaction_min = 85\n', encoding="utf-8")
    settings, path = load_settings(near=table_file, ignore=["ZB-M004"])
    assert path == nested / "zhibiao.toml"
    assert settings.select == ["ZB-M"] and settings.ignore == ["ZB-M004"]
    assert settings.thresholds.satisfaction_min == 85


def test_config_errors_name_the_file(tmp_path):
    bad = tmp_path / "zhibiao.toml"
    bad.write_text("[thresholds]\nsatisfaction_minimum = 85\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="zhibiao.toml.*satisfaction_minimum"):
        load_settings(bad)
    bad.write_text("select = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml")


def test_environment_fills_what_the_file_leaves(monkeypatch):
    monkeypatch.setenv("ZHIBIAO_THRESHOLDS__SATISFACTION_MIN", "85")
    assert Settings().thresholds.satisfaction_min == 85


def test_rules_doc_is_up_to_date():
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rules_markdown(REGISTRY), "run: python scripts/gen_rules_doc.py"


@pytest.mark.parametrize("selector", ["ZB-MOO2", "ZZZ", "ZB-M9"])
def test_a_selector_that_picks_no_check_is_refused(selector):
    """A typo would select nothing and give every document full marks."""
    from scorer.config import Settings

    with pytest.raises(ValueError, match="no check has the code or prefix"):
        REGISTRY.select(Settings(select=[selector]))
    with pytest.raises(ValueError, match="no check has the code or prefix"):
        REGISTRY.select(Settings(ignore=[selector]))
    assert REGISTRY.select(Settings(select=["ZB-M002", "STRUCT", "ZB-S"], ignore=["ZB-ST009"]))
