"""A select of hundreds of options (time zones, countries), written in one pass.

Django renders each option of a `Select` through a template of its own: for the ~600 time zones of the settings
page that was 20–30 ms of every request, more than the rest of the page. `LongSelect` writes the same HTML
(the select's attributes as Django builds them, required and aria-describedby included) with one join.
Options only, no groups.
"""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

SELECTED = mark_safe(" selected")


class LongSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(key), SELECTED if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )
