"""One module per route; `gudcity.gudcity` adds them to the app."""
