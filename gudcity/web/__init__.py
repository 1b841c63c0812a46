"""ASGI pieces mounted beside Reflex with `rx.App(api_transformer=...)`."""
