"""URLs of the classroom's live part."""

urlpatterns = []
