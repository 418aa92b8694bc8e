"""The public channel, under speak-up/: no account, no cookies until needed.

The language is in the URL (<lang> is one of the channel's languages), never in a cookie.
"""

from django.urls import path

from speakup.views import public

app_name = "speakup_public"

urlpatterns = [
    path("<slug:slug>/", public.channel, name="channel"),
    path("<slug:slug>/<str:lang>/", public.home, name="home"),
    path("<slug:slug>/<str:lang>/report/", public.report, name="report"),
    path("<slug:slug>/<str:lang>/receipt.txt", public.receipt_download, name="receipt_download"),
    path("<slug:slug>/<str:lang>/follow-up/login/", public.receipt_login, name="receipt_login"),
    path("<slug:slug>/<str:lang>/follow-up/", public.followup, name="followup"),
    path("<slug:slug>/<str:lang>/follow-up/reply/", public.reply, name="reply"),
    path("<slug:slug>/<str:lang>/follow-up/files/<int:number>/", public.attachment_download, name="attachment"),
    path("<slug:slug>/<str:lang>/follow-up/leave/", public.leave, name="leave"),
]
