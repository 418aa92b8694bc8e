from django.urls import path

from agreements import views

app_name = "agreements"

# Mounted at o/<slug:slug>/agreements/: every view receives the organisation's slug.
urlpatterns = [
    path("", views.agreements, name="agreements"),
    path("csv/", views.agreements_csv, name="agreements_csv"),
    path("new/", views.agreement_new, name="agreement_new"),
    path("partnership/<uuid:code>/", views.partnership_agreements, name="partnership_agreements"),
    path("<uuid:code>/", views.agreement, name="agreement"),
    path("<uuid:code>/agreement.docx", views.agreement_docx, name="agreement_docx"),
    path("<uuid:code>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("<uuid:code>/dates/", views.agreement_dates, name="agreement_dates"),
]
