from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self) -> None:
        # Registers the `playbook` and `playbook_index` kinds with the framework loader.
        from cases import (
            playbooks,  # noqa: F401
            sharing,
        )
        from organisations import subjects

        # A limited case summary shared with a partner or an alliance: "case:<case code>". Need to know: it is
        # managed from the case (by the people on it), not listed on the sharing page every member sees.
        subjects.register("case", label=_("Limited case summary"), url=sharing.shared_case_url, listed=False)
