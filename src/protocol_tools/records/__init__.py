"""The client record: clients, visits and every session's events, in one database.

``store`` writes (one transaction a call), ``history`` reads (plain data for the
command line, the export file and the client page), ``database`` opens the record
(SQLite file by default, PostgreSQL by URL) and brings its schema up to date,
``rows`` makes the rows the store writes, ``sessions`` records a running session and
takes in session logs saved as CSV before the record existed, ``erasure`` forgets a
client.
"""
