"""URLs of the classroom's teach part."""

urlpatterns = []
