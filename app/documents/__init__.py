"""Printed documents from plain values: the receipt (``receipt_pdf``), the end-of-day summary
(``summary_pdf``, ``summary_csv``), the client statement and repair quote (``statement_pdf``)
and the policy's quarterly report (``policy_report``). Their inputs are the values of ``data``,
``statement_data`` and ``policy_data``; nothing here reads a database, calls a service or
knows Qt. The renderers import ReportLab; import them only when a PDF is wanted.
"""
