"""Treatment series: plans of visits as data, their dates, adherence, reminders, costs.

``schedule`` turns a plan of ``data/plans.yaml`` into dates (dateutil's rrule and
relativedelta) and matches the visits made against them; ``calendar`` writes the
dates as an ``.ics`` file; ``costs`` compares clinic, home and both.
"""
