"""``make report``: an operator's report read straight from the tracker store.

Why a package of its own, apart from ``bench/``: the benchmark measures the bot, this reads
what customers did with it. One job per module, so each can be tested alone:

- ``store``: where the tracker store is (the endpoints file Rasa reads) and the rows it
  holds, streamed with SQLAlchemy — SQLite for ``make run``, PostgreSQL for production;
- ``figures``: the numbers, in one pass over those rows;
- ``markers``: the same outcomes as Rasa markers (``markers.yml``) and ``rasa evaluate
  markers``, to check the SQL against Rasa's own definitions;
- ``render``: ``results/report.html`` and ``results/report.md`` with their plots;
- ``synthetic``: a store of made-up conversations, for the speed bench and the tests.
"""
