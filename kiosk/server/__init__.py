"""kiosk-server: the reference backend that lobby terminals talk to over HTTP JSON.

Importing this package is cheap on purpose; the web stack loads with
:func:`kiosk.server.app.create_app`.
"""
