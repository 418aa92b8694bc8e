"""samen.widgets.LongSelect writes the select Django's own Select would, in one pass (the time zones, countries)."""

from html.parser import HTMLParser

import pytest
from django import forms

from accounts.forms import ProfileForm
from samen.widgets import LongSelect


class Select(HTMLParser):
    """The select's attributes, and each option as (value, selected, label)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] = {}
        self.options: list[tuple[str | None, bool, str]] = []
        self._option: list | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.attrs = dict(attrs)
        elif tag == "option":
            found = dict(attrs)
            self._option = [found.get("value"), "selected" in found, ""]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.options.append(tuple(self._option))
            self._option = None


CHOICES = [("", "None"), ("a&b", "A & <b>B</b>"), ("c", 'C "quoted"')]


class Tricky(forms.Form):
    place = forms.ChoiceField(
        label="Place",
        choices=CHOICES,
        help_text="Where it is.",
        widget=forms.Select,
    )


@pytest.mark.parametrize("value", ["", "a&b", "c"])
def test_the_same_select_as_django_s_own(value):
    plain = Tricky(initial={"place": value})
    fast = Tricky(initial={"place": value})
    fast.fields["place"].widget = LongSelect(choices=CHOICES)
    ours, theirs = Select(str(fast["place"])), Select(str(plain["place"]))
    assert ours.attrs == theirs.attrs  # id, name, required, aria-describedby
    assert ours.options == theirs.options and sum(selected for _v, selected, _l in ours.options) == 1
    assert "A &amp; &lt;b&gt;B&lt;/b&gt;" in str(fast["place"])


def test_the_time_zones_of_the_settings_page(english):
    form = ProfileForm(initial={"name": "Amina", "language": "en", "time_zone": "Africa/Kampala"})
    assert isinstance(form.fields["time_zone"].widget, LongSelect)
    select = Select(str(form["time_zone"]))
    assert len(select.options) > 400 and select.options[0][0] == ""
    assert [v for v, selected, _label in select.options if selected] == ["Africa/Kampala"]
    assert select.attrs["id"] == "id_time_zone" and select.attrs["aria-describedby"] == "id_time_zone_helptext"
    django_s = form.fields["time_zone"].widget
    form.fields["time_zone"].widget = forms.Select(choices=django_s.choices)
    assert Select(str(form["time_zone"])).options == select.options
