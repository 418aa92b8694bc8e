"""cases pages of the cases app."""

urlpatterns: list = []
