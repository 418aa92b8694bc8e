"""The guide's content files: loaded by load_framework, in both languages, with links that point somewhere."""

import re

import pytest
import yaml

from framework.loader import ContentError, load_all
from guide.loader import unresolved
from guide.models import GuidePage, GuideSection


def test_the_shipped_guide_loads_complete(loaded):
    pages = list(GuidePage.objects.active())
    assert len(pages) >= 15
    listed = [slug for section in GuideSection.objects.active() for slug in section.pages]
    assert sorted(p.slug for p in pages) == sorted(listed), "every page in the table of contents has a file"
    for page in pages:
        for lang in ("nl", "en"):
            assert getattr(page, f"title_{lang}") and getattr(page, f"summary_{lang}")
            assert len(getattr(page, f"body_{lang}").split()) >= 180, f"{page.slug} ({lang}) is substantial"
    assert unresolved() == []


def test_pages_the_roadmap_links_exist(loaded):
    wanted = {
        "accounting-for-integrity", "building-an-integrity-system", "care-for-those-affected", "code-of-conduct",
        "confidential-adviser", "dilemma-conversations", "handling-a-report-about-a-partner",
        "integrity-in-partnerships", "reporting-procedure", "what-to-agree-with-partners",
    }  # fmt: skip
    assert wanted <= set(GuidePage.objects.values_list("slug", flat=True))


def test_loading_again_changes_nothing(loaded, content):
    first = load_all(content, force=True)
    assert not any(r.changes for r in first if r.kind.startswith("guide"))
    again = load_all(content)
    assert all(r.skipped for r in again)


def _line_of(path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


@pytest.mark.django_db
def test_a_broken_guide_link_fails_with_file_and_line(content):
    path = content / "guide" / "code-of-conduct.yaml"
    text = path.read_text().replace("(guide:what-to-agree-with-partners)", "(guide:no-such-page)", 1)
    path.write_text(text)
    with pytest.raises(ContentError) as error:
        load_all(content)
    line = _line_of(path, "guide:no-such-page")
    assert f"guide/code-of-conduct.yaml, line {line}" in str(error.value)
    assert "broken link 'guide:no-such-page'" in str(error.value)
    assert not GuidePage.objects.exists(), "a bad file changes nothing"


def test_a_broken_taxonomy_link_fails_once_the_taxonomy_is_loaded(loaded, content):
    path = content / "guide" / "reporting-procedure.yaml"
    path.write_text(path.read_text().replace("(taxonomy:retaliation)", "(taxonomy:retalation)", 1))
    with pytest.raises(ContentError, match=rf"reporting-procedure.yaml, line {_line_of(path, 'retalation')} \(nl\)"):
        load_all(content)


def test_a_broken_glossary_link_fails(loaded, content):
    path = content / "guide" / "psea-with-partners.yaml"
    path.write_text(path.read_text().replace("(glossary:screening)", "(glossary:screenin)"))
    with pytest.raises(
        ContentError, match=r"psea-with-partners.yaml, line \d+ \(nl\): broken link 'glossary:screenin'"
    ):
        load_all(content)


def test_a_page_without_english_fails(db, content):
    path = content / "guide" / "code-of-conduct.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("\nen:\n")] + "\n")
    with pytest.raises(ContentError, match=r"guide/code-of-conduct.yaml.*no 'en' text"):
        load_all(content)


def test_a_page_without_a_dutch_title_fails(db, content):
    path = content / "guide" / "code-of-conduct.yaml"
    path.write_text(re.sub(r"^title_nl: .*\n", "", path.read_text(), flags=re.M))
    with pytest.raises(ContentError, match=r"guide/code-of-conduct.yaml.*missing field 'title_nl'"):
        load_all(content)


def test_a_page_missing_from_the_table_of_contents_fails(db, content):
    path = content / "guide" / "extra.yaml"
    data = yaml.safe_load((content / "guide" / "code-of-conduct.yaml").read_text())
    data["slug"] = "extra"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ContentError, match="page 'extra' is not in the table of contents"):
        load_all(content)


def test_a_script_link_in_content_fails(db, content):
    path = content / "guide" / "code-of-conduct.yaml"
    path.write_text(path.read_text().replace("(guide:what-to-agree-with-partners)", "(ftp://example.org/x)", 1))
    with pytest.raises(ContentError, match=r"link 'ftp://example.org/x' is not allowed"):
        load_all(content)


def test_a_page_left_out_of_the_table_of_contents_is_retired(loaded, content):
    toc = content / "guide" / "_sections.yaml"
    toc.write_text(toc.read_text().replace("      - dilemma-conversations\n", ""))
    (content / "guide" / "dilemma-conversations.yaml").unlink()
    # Another page links to it: that link must go too, or the load fails.
    for path in (content / "guide").glob("*.yaml"):
        path.write_text(re.sub(r"\[([^]]+)\]\(guide:dilemma-conversations\)", r"\1", path.read_text()))
    load_all(content)
    assert GuidePage.objects.get(slug="dilemma-conversations").retired
