"""Browser journey: Hulp's admin imports an IATI file and follows the import to its counts; every page passes axe."""

from django.urls import reverse

from ecosystem.models import ImportJob, Relation
from tests.conftest import PASSWORD, totp_code

FILE = (
    '<?xml version="1.0"?>\n<iati-activities version="2.03">\n<iati-activity>'
    "<iati-identifier>NL-KVK-41160054-1</iati-identifier>"
    '<reporting-org ref="NL-KVK-41160054"><narrative>Hulp Zonder Grenzen</narrative></reporting-org>'
    '<participating-org role="1" ref="XM-DAC-7"><narrative>Ministry of Foreign Affairs</narrative></participating-org>'
    '<participating-org role="4" ref="KE-NGO-1"><narrative>Kisumu Women</narrative></participating-org>'
    "</iati-activity>\n</iati-activities>\n"
)


def test_admin_imports_an_iati_file_and_sees_what_it_added(people, browse, tmp_path):
    path = tmp_path / "activities.xml"
    path.write_text(FILE)
    browse.log_in(people.admin.email, PASSWORD, code=totp_code())

    browse.goto(reverse("ecosystem:imports", kwargs={"slug": "hulp"}))
    browse.page.set_input_files("input[type=file]", str(path))
    browse.submit()

    job = ImportJob.objects.get()
    assert browse.path == reverse("ecosystem:import_job", kwargs={"slug": "hulp", "code": job.code})
    assert job.status == ImportJob.Status.DONE
    assert Relation.objects.get().target.name == "Kisumu Women"
    assert browse.page.locator("progress").get_attribute("value") == "100"


def test_the_progress_part_follows_a_running_import_by_itself(people, browse):
    job = ImportJob.objects.create(
        organisation=people.org, started_by=people.admin, file_name="big.xml", size=1000, status="running"
    )
    browse.log_in(people.admin.email, PASSWORD, code=totp_code())
    browse.goto(reverse("ecosystem:import_job", kwargs={"slug": "hulp", "code": job.code}))
    assert browse.page.locator("#import-progress[hx-get]").count() == 1

    ImportJob.objects.filter(pk=job.pk).update(
        status="done", result={"activities": 7, "created": {"organisations": 1, "relations": 2}, "skipped": {}}
    )
    browse.page.locator("#import-progress:not([hx-get])").wait_for(timeout=5000)

    assert "7" in browse.text("#import-progress")
    browse.check()
