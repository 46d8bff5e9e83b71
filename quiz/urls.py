"""Pages of the quiz app."""

app_name = "quiz"
urlpatterns = []
