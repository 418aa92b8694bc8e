"""The SVG charts: escaped text, no style attributes, a title for screen readers, bars in proportion."""

import re

from samen.charts import bar_chart, stacked_bar


def test_bar_chart_draws_each_value_in_proportion_and_the_target():
    svg = bar_chart(
        [("Code of conduct", 4), ("Reporting", 2)], maximum=5, title="Scores", target=3, target_label="meets"
    )
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert "<title" in svg and "Scores" in svg
    assert 'stroke-dasharray="6 3"' in svg and "meets" in svg


def test_values_outside_the_scale_are_clamped():
    svg = bar_chart([("Too high", 9), ("Negative", -2)], maximum=5, title="t")
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[1] == 0
    assert widths[0] <= 640


def test_text_is_escaped_and_there_is_no_inline_style():
    svg = bar_chart([("<script>alert(1)</script>", 1)], maximum=5, title='"><img src=x>')
    stacked = stacked_bar([("<b>done</b>", 3, "#14532d")], title="<i>plan</i>")
    for out in (svg, stacked):
        assert "<script>" not in out and "<img" not in out and "<b>" not in out
        assert "style=" not in out


def test_stacked_bar_splits_in_proportion_and_survives_zero():
    svg = stacked_bar([("To do", 1, "#888"), ("Done", 3, "#0b5b5b")], title="Plan", width=400)
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="0" width="([\d.]+)"', svg)]
    assert widths[1:] == [100.0, 300.0]
    assert "Done: 0" in stacked_bar([("Done", 0, "#0b5b5b")], title="Empty")
