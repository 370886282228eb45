"""Plans, the front desk and costs from the command line (issue 12).

$ protocol-tools plan C-0042 starter-course --start 2026-12-07   # store a plan; its dates
$ protocol-tools plan C-0042                                     # the plans, kept or not
$ protocol-tools plan C-0042 --ics -o C-0042.ics                 # upcoming visits, .ics
$ protocol-tools plans                                           # the plan templates
$ protocol-tools due --week 2026-12-07                           # due, overdue, coming up
$ protocol-tools home C-0042 --date 2026-12-08 --minutes 10      # a home session reported
$ protocol-tools compare-costs --months 12                       # clinic, home, both

``--db`` names the client record as for ``clients``; ``--format json`` prints plain
data for scripts. A calendar carries the client code, the name only with
``--show-name``. Exit status: 0 done, 1 a plan, client, record or file could not
be used, 2 wrong usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import RecordError, UnknownClientError
from ..core.text import as_date
from ..records.cli import client_code_arg, existing_record, write_client_file

if TYPE_CHECKING:
    from ..records.store import ClientInfo, RecordStore
    from ..reference.models import PlanEntry

__all__ = ["register"]

_EXIT_OK, _EXIT_USAGE = 0, 2


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _iso_date(text: str) -> dt.date:
    day = as_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-12-07")
    return day


def _known_client(store: RecordStore, code: str) -> ClientInfo:
    """The client with ``code``; UnknownClientError (nothing stored) if there is none."""
    found = store.find_client(code)
    if found is None:
        raise UnknownClientError(
            f"no client with the code {code} is in the record; check the code "
            "(protocol-tools clients lists them)"
        )
    return found


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return _EXIT_USAGE


# -- plan ----------------------------------------------------------------------------


def _cmd_plan(args: argparse.Namespace) -> int:
    if args.plan and args.ics:
        return _usage("--ics exports the plan already stored; store it first, then export")
    if args.output and not args.ics:
        return _usage("-o/--output names the calendar file; add --ics")
    if args.ics and not args.output:
        return _usage("--ics needs -o FILE.ics, the calendar file to write")
    if args.plan is None and args.start is not None:
        return _usage("--start goes with a plan to store: plan CODE PLAN --start YYYY-MM-DD")
    if args.ics:
        return _export_ics(args)
    if args.plan:
        return _store_plan(args)
    return _show_plans(args)


def _plan_data(plan: dict[str, Any], slots: list[dict[str, Any]]) -> dict[str, Any]:
    """One plan as JSON gives it: ``dates`` in order and, for each, its ``phase``."""
    return {
        **plan,
        "dates": [slot["date"] for slot in slots],
        "phases": [slot["phase"] for slot in slots],
        "slots": slots,
    }


def _store_plan(args: argparse.Namespace) -> int:
    from ..records.lookup import open_record
    from ..records.plans import choose_plan, current_plans, home_session_days, visit_days
    from .adherence import slot_rows
    from .report import stored_plan_text
    from .schedule import find_plan, plan_slots

    code = client_code_arg(args)
    entry = find_plan(args.plan)
    start = args.start or dt.date.today()
    today = args.as_of or dt.date.today()
    plan_slots(entry, start, today=today)  # a start past the calendar: refused before opening
    store = open_record(args.db)
    assert store is not None  # created when missing
    try:
        before = current_plans(store, code).get(code, {}).get(entry.kind)
        chosen = choose_plan(store, code, entry.id, start)
        if entry.kind == "clinic":
            made = visit_days(store, code).get(code, [])
        else:
            made = home_session_days(store, code)
    finally:
        store.close()
    slots = slot_rows(plan_slots(entry, start, made=made, today=today))
    data = _plan_data(
        {"client": code, **chosen, "name": entry.name, "as_of": today.isoformat()}, slots
    )
    data["replaced"] = (
        {"plan": before["plan"], "start": before["start"].isoformat()} if before else None
    )
    if args.format == "json":
        _print_json(data)
    else:
        print(stored_plan_text(data, entry))
    return _EXIT_OK


def _show_plans(args: argparse.Namespace) -> int:
    from .adherence import client_adherence
    from .report import adherence_text

    code = client_code_arg(args)
    today = args.as_of or dt.date.today()
    store = existing_record(args)
    try:
        _known_client(store, code)
        plans = client_adherence(store, code, today)
    finally:
        store.close()
    data = {
        "client": code,
        "as_of": today.isoformat(),
        "plans": {kind: _plan_data(plan, plan["slots"]) for kind, plan in plans.items()},
    }
    if args.format == "json":
        _print_json(data)
    else:
        print(adherence_text(data))
    return _EXIT_OK


def _export_ics(args: argparse.Namespace) -> int:
    from ..records.plans import current_plans, visit_days
    from .calendar import plan_calendar
    from .schedule import plan_slots

    output = Path(args.output)
    if output.is_dir():
        raise RecordError(
            f"{output} is a folder; give the calendar's file name, e.g. {output / 'visits.ics'}"
        )
    if not args.force and output.exists():
        raise RecordError(f"{output} already exists; choose another name, or add --force")
    code = client_code_arg(args)
    today = args.as_of or dt.date.today()
    store = existing_record(args)
    try:
        found = _known_client(store, code)
        clinic = current_plans(store, code).get(code, {}).get("clinic")
        if clinic is None:
            raise RecordError(
                f"{code} has no clinic plan to export; choose one first: "
                f"protocol-tools plan {code} PLAN --start YYYY-MM-DD"
            )
        made = visit_days(store, code).get(code, [])
    finally:
        store.close()
    name = found.display_name if args.show_name else None
    if args.show_name and not name:
        print(f"note: no name is kept for {code}; the calendar carries the code", file=sys.stderr)
    slots = plan_slots(clinic["plan"], clinic["start"], made=made, today=today)
    coming = [slot for slot in slots if slot.status in ("due", "upcoming")]
    if not coming:
        raise RecordError(
            f"{code} has no visit of {clinic['plan']} still to come; nothing was written"
        )
    calendar = plan_calendar(code, clinic["plan"], coming, name=name)
    write_client_file(output, calendar, force=args.force)
    dates = [slot.date.isoformat() for slot in coming]
    if args.format == "json":
        _print_json({"client": code, "plan": clinic["plan"], "file": str(output), "dates": dates})
    else:
        count = f"{len(dates)} visit{'s' if len(dates) != 1 else ''}"
        print(f"wrote {output}: {count} of {code}, {dates[0]} to {dates[-1]}")
    return _EXIT_OK


def _cmd_plans(args: argparse.Namespace) -> int:
    from ..reference.data import plans_file
    from .report import plans_text

    entries = plans_file().plans
    if args.format == "json":
        _print_json([_template(entry) for entry in entries])
    else:
        print(plans_text(entries))
    return _EXIT_OK


def _template(entry: PlanEntry) -> dict[str, Any]:
    """A plan template as JSON gives it, each phase with its words too."""
    from .tables import phase_words

    data = entry.model_dump(mode="json", exclude_none=True)
    for phase, plain in zip(entry.phases, data["phases"], strict=True):
        plain["words"] = phase_words(phase, entry.kind)
    return data


def _cmd_due(args: argparse.Namespace) -> int:
    from ..records.lookup import open_record, record_name
    from .adherence import due_list
    from .report import due_text

    week = args.week or dt.date.today()
    store = open_record(args.db, create=False)
    if store is None:  # nothing recorded yet: nobody is due
        rows: list[dict[str, Any]] = []
        if args.format != "json":
            print(f"No clients in the record yet (no record at {record_name(args.db)}).")
            return _EXIT_OK
    else:
        try:
            rows = due_list(store, week)
        finally:
            store.close()
    if args.format == "json":
        _print_json(rows)
    else:
        print(due_text(rows, week))
    return _EXIT_OK


def _cmd_home(args: argparse.Namespace) -> int:
    from ..records.plans import log_home_session

    code = client_code_arg(args)
    day = args.date or dt.date.today()
    store = existing_record(args)
    try:
        _known_client(store, code)
        log_home_session(store, code, day, minutes=args.minutes, note=args.note)
    finally:
        store.close()
    if args.format == "json":
        _print_json({"client": code, "date": day.isoformat(), "minutes": args.minutes})
    else:
        took = f" ({args.minutes:g} minutes)" if args.minutes is not None else ""
        print(f"noted: {code} did a home session on {day.isoformat()}{took}")
    return _EXIT_OK


def _cmd_compare(args: argparse.Namespace) -> int:
    from .costs import compare_costs
    from .report import costs_text

    start = args.start or dt.date.today()
    rows = compare_costs(args.months, start=start)
    if args.format == "json":
        _print_json(rows)
    else:
        print(costs_text(rows, start))
    return _EXIT_OK


# -- registering ---------------------------------------------------------------------


def _options(parser: argparse.ArgumentParser, *, db: bool = True) -> None:
    if db:
        parser.add_argument(
            "--db",
            metavar="URL_OR_PATH",
            help="the client record: a file or a database URL "
            "(default: $PROTOCOL_TOOLS_DB, else ~/microcurrent-records/records.db)",
        )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (the default) or json for scripts",
    )


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``plan``, ``plans``, ``due``, ``home`` and ``compare-costs``."""
    _add_plan(commands)
    plans = commands.add_parser(
        "plans", help="the plan templates of data/plans.yaml, phase by phase"
    )
    _options(plans, db=False)
    plans.set_defaults(handler=_cmd_plans)

    due = commands.add_parser(
        "due",
        help="the front desk's list: who is overdue, due this week or coming up",
        description="Every client with a visit made or a plan: overdue first, then due in "
        "the week, then coming up, each by date.",
    )
    due.add_argument(
        "--week",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the week's first day (default: today); the week is 7 days from it",
    )
    _options(due)
    due.set_defaults(handler=_cmd_due)

    home = commands.add_parser("home", help="note a home session the client reports")
    home.add_argument("code", metavar="CODE", help="the client code, e.g. C-0042")
    home.add_argument(
        "--date", type=_iso_date, metavar="YYYY-MM-DD", help="the day (default: today)"
    )
    home.add_argument("--minutes", type=float, metavar="N", help="how long it took")
    home.add_argument("--note", metavar="TEXT", help="a short note, as the client says it")
    _options(home)
    home.set_defaults(handler=_cmd_home)

    compare = commands.add_parser(
        "compare-costs",
        help="clinic only, home device only, or both: sessions, time and cost",
    )
    compare.add_argument("--months", type=int, default=12, metavar="N", help="(default: 12)")
    compare.add_argument(
        "--start", type=_iso_date, metavar="YYYY-MM-DD", help="the first day (default: today)"
    )
    _options(compare, db=False)
    compare.set_defaults(handler=_cmd_compare)


def _add_plan(commands: argparse._SubParsersAction) -> None:
    plan = commands.add_parser(
        "plan",
        help="store a client's plan, show their plans and how they keep to them, "
        "or export the visits to come as an .ics calendar",
        description="With PLAN: store it (it ends the client's current plan of its kind) "
        "and print its dates. Without: each current plan, date by date, with the visits "
        "made. With --ics: the visits still to come, as a calendar file.",
    )
    plan.add_argument("code", metavar="CODE", help="the client code, e.g. C-0042")
    plan.add_argument("plan", metavar="PLAN", nargs="?", help="a plan id (protocol-tools plans)")
    plan.add_argument(
        "--start",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the plan's first day (default: today)",
    )
    plan.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="judge the visits as of this day (default: today)",
    )
    plan.add_argument("--ics", action="store_true", help="write the visits to come as .ics")
    plan.add_argument("-o", "--output", metavar="FILE.ics", help="the calendar file (with --ics)")
    plan.add_argument(
        "--force", action="store_true", help="replace FILE.ics if it exists (refused otherwise)"
    )
    plan.add_argument(
        "--show-name",
        action="store_true",
        help="name the client in the calendar by their display name (off unless asked)",
    )
    _options(plan)
    plan.set_defaults(handler=_cmd_plan)
