from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views
from accounts.forms import PasswordResetForm

app_name = "accounts"

urlpatterns = [
    path("", views.security, name="security"),
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/disable/", views.two_factor_disable, name="two_factor_disable"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("language/", views.set_language, name="set_language"),
    # Password reset: Django's views as they are, with our templates and a form that mails through the queue.
    path(
        "reset/",
        auth_views.PasswordResetView.as_view(
            form_class=PasswordResetForm,
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
