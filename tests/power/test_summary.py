"""The summary for both partners, as a page and a PDF, and the gaps chart behind it."""

from types import SimpleNamespace

from audit.models import Entry
from power import running
from power.charts import gaps_chart
from power.models import Stage
from power.results import DecisionResult, SideFigures
from tests.power.conftest import join, url


def test_the_summary_pdf_is_kept_by_both_partners_and_its_download_is_audited(people, partner, open_session):
    budget = running.add_decision(open_session, "Budget allocation", by=people.manager)
    _a, hulp = join(open_session, people.org, name="Anna")
    _b, kampala = join(open_session, partner.org)
    running.set_stage(open_session, Stage.SCORING)
    running.score(hulp, budget, 3)
    running.score(kampala, budget, 1)
    running.agree(
        open_session, "Decide the budget together", decision=budget, by=people.manager, by_organisation=people.org
    )
    running.close(open_session)
    for client, slug in ((people.client("viewer"), "hulp"), (partner.client("viewer"), "kampala")):
        response = client.get(url("summary_pdf", slug=slug, code=open_session.code))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert "attachment" in response["Content-Disposition"]
    entries = Entry.objects.filter(event="export", target=f"power session summary {open_session.code}")
    assert sorted(entries.values_list("organisation", flat=True)) == ["hulp", "kampala"]
    assert people.client("outsider").get(url("summary_pdf", slug="ander", code=open_session.code)).status_code == 404


def test_the_summary_page_before_anyone_scored(people, session):
    page = people.client("member").get(url("summary", code=session.code)).content.decode()
    assert "0 participants from Hulp Zonder Grenzen" in page
    assert "Nobody scored in this session." in page and "Nothing was agreed to change." in page


def test_the_gaps_chart_escapes_text_and_describes_itself(people, partner):
    decision = SimpleNamespace(text="<script>x</script> & budget")
    result = DecisionResult(
        decision,  # type: ignore[arg-type]
        [SideFigures(people.org, 2, 4.5, 0.5), SideFigures(partner.org, 3, 2.0, 0.0)],
    )
    svg = str(gaps_chart([result], names=("A & B", "C"), ends=("<1>", "3", "5"), title="Who <decides>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "A &amp; B" in svg
    assert '<title id="power-gaps-' in svg and "Who &lt;decides&gt;" in svg and 'role="img"' in svg
    assert "2.5" in svg  # the gap
    assert "style=" not in svg
