"""The UI kit: the few pieces every window and dialog shares.

- :mod:`~app.ui.kit.operation` — ``Operation``: one guarded call into the core; a refused
  action (``DomainError``) shows its Spanish message and changes nothing; slow work runs off
  the GUI thread and comes back to it.
- :mod:`~app.ui.kit.messages` — ``MessageLabel``: a message beside a field or a banner atop a
  window, hidden until there is one.
- :mod:`~app.ui.kit.pdf` and :mod:`~app.ui.kit.pdf_actions` — print preview, printing, "Abrir
  PDF" and "Guardar como…"; ``PdfActions``, the buttons every document dialog shows.
- :mod:`~app.ui.kit.style` — the one stylesheet (``app/ui/resources/appleuse.qss``).
- :mod:`~app.ui.kit.layout` — small layout helpers (hints, fitting a dialog to its text).

Import the submodules themselves: this package imports nothing, so the window's first paint
does not pay for QtPdf or QtPrintSupport.
"""
