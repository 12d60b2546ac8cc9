"""The kernel: standard-library values every layer shares — every enumeration (``enums``), the
injected clock (``clock``), a session's timeline derived from its events (``timeline``),
accent-insensitive search (``search``), Spanish formatting (``fmt``) and the domain errors
(``errors``). It imports nothing of the app and nothing outside the standard library."""
