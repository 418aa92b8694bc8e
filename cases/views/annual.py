"""annual pages of the cases app."""

urlpatterns: list = []
