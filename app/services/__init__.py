"""Use cases and read models.

Each service method is one unit of work (``uow.Database``): it commits or rolls back as a
whole, takes its time from the injected clock and hands out plain values (``values``), never
ORM rows. Read models (``day_summary``, ``client_list``) run plain SQL through one seam
(``sql``) and feed the rules of ``app.billing``; they hold no rule of their own. Build them all
once: ``app.services.facade.Services.create(engine, clock)``.

This package's ``__init__`` imports nothing, so the window can import value modules without
loading SQLAlchemy.
"""
