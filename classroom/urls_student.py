"""URLs of the classroom's student part."""

urlpatterns = []
