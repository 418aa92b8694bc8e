"""Forms of the insights pages: the sector filters, a member's opt-in, a network's minimum group size."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.annual import current_year
from insights.models import FLOOR, SectorSettings
from insights.sector import SIZE_KEYS, SIZE_LABELS
from organisations.models import Organisation

FIRST_YEAR = 2000


class SectorFilterForm(forms.Form):
    """Year, category and size category: they only choose which of the computed numbers a page shows."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=FIRST_YEAR)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)
    size = forms.ChoiceField(label=gettext_lazy("Size category"), required=False)

    def __init__(self, *args: object, categories: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = [("", _("All categories")), *categories]  # type: ignore[attr-defined]
        self.fields["size"].choices = [  # type: ignore[attr-defined]
            ("", _("All sizes")),
            *[(key, str(SIZE_LABELS[key])) for key in SIZE_KEYS],
        ]

    def clean_year(self) -> int:
        year: int = self.cleaned_data["year"]
        if year > current_year():
            raise forms.ValidationError(_("Choose this year or an earlier one."))
        return year


class OptInForm(forms.Form):
    network = forms.ChoiceField()
    action = forms.ChoiceField(choices=[("give", "give"), ("revoke", "revoke")])

    def __init__(self, *args: object, networks: list[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.networks = {str(network.code): network for network in networks}
        self.fields["network"].choices = [(code, n.name) for code, n in self.networks.items()]  # type: ignore[attr-defined]

    def chosen_network(self) -> Organisation:
        return self.networks[self.cleaned_data["network"]]


class SectorSettingsForm(forms.ModelForm):
    class Meta:
        model = SectorSettings
        fields = ["min_organisations", "min_cases"]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        for name in ("min_organisations", "min_cases"):
            value = cleaned.get(name)
            if isinstance(value, int) and value < FLOOR:
                self.add_error(
                    name, _("At least %(floor)s: fewer would let a reader recognise someone.") % {"floor": FLOOR}
                )
        return cleaned
