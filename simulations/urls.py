"""Pages of the simulations app."""

app_name = "simulations"
urlpatterns = []
