app_name = "framework"

urlpatterns: list = []
