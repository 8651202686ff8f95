"""``python -m bench <benchmark> ...`` from the project directory."""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="benchmark", required=True)
    customers = sub.add_parser(
        "customers",
        help="Load N customers, serve them with gunicorn, and measure creates, search and reads over HTTP.",
    )
    customers.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    customers.add_argument(
        "--customers", type=int, default=100_000, help="customers to load (default 100000)"
    )
    customers.add_argument("--duration", type=int, default=20, help="seconds of sustained load (default 20)")
    customers.add_argument(
        "--workers", type=int, default=2, help="gunicorn worker processes (default 2, for 2 cores)"
    )
    customers.add_argument("--threads", type=int, default=4, help="threads per gthread worker (default 4)")
    customers.add_argument("--worker-class", choices=("gthread", "sync"), default="gthread")
    customers.add_argument(
        "--concurrency", type=int, default=16, help="open connections of the sustained load (default 16)"
    )
    customers.add_argument(
        "--load-processes",
        type=int,
        default=0,
        help="processes loading customers (default: 1 on SQLite, one per core on PostgreSQL)",
    )
    customers.add_argument("--seed", type=int, default=1)
    customers.add_argument("--single-creates", type=int, default=500)
    customers.add_argument("--batches", type=int, default=5, help="batches of 1,000 to create (default 5)")
    customers.add_argument("--repeats", type=int, default=30, help="requests per search query (default 30)")
    customers.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    customers.add_argument(
        "--keep", action="store_true", help="keep the database afterwards (for --reuse or inspection)"
    )
    customers.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left; skip creating and loading"
    )
    customers.add_argument(
        "--python-load", action="store_true", help="use the Python load generator even if wrk is installed"
    )
    interactions = sub.add_parser(
        "interactions",
        help="Load N interactions (one customer with 10,000) and time that customer's newest timeline page.",
    )
    interactions.add_argument("--database", choices=("sqlite", "postgres"), required=True)
    interactions.add_argument("--interactions", type=int, default=100_000, help="interactions in total")
    interactions.add_argument(
        "--customer-interactions", type=int, default=10_000, help="interactions of the measured customer"
    )
    interactions.add_argument("--customers", type=int, default=0, help="customers (default: N / 1,000)")
    interactions.add_argument("--repeats", type=int, default=200, help="timed reads per measurement")
    interactions.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    interactions.add_argument("--seed", type=int, default=1)
    interactions.add_argument("--keep", action="store_true", help="keep the database afterwards")
    interactions.add_argument("--reuse", action="store_true", help="measure the database a --keep run left")
    smtpd = sub.add_parser(
        "smtpd", help="Send 1,000 realistic messages through `lojal smtpd` and measure messages/s end to end."
    )
    smtpd.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    smtpd.add_argument("--messages", type=int, default=1_000)
    smtpd.add_argument("--connections", type=int, default=4, help="SMTP client connections in parallel")
    smtpd.add_argument("--customers", type=int, default=2_000, help="customers the senders are drawn from")
    smtpd.add_argument("--seed", type=int, default=1)
    from bench import imports

    imports.add_parser(sub)
    from bench import create_cost, service_cost

    create_cost.add_parser(sub)
    from bench import frames

    frames.add_parser(sub)
    service_cost.add_parser(sub)
    from bench import outbox_kill

    outbox_kill.add_parser(sub)
    from bench import pg_restart

    pg_restart.add_parser(sub)
    from bench import load

    load.add_parser(sub)
    from bench import import_cost

    import_cost.add_parser(sub)
    from bench import export

    export.add_parser(sub)
    from bench import my_day

    my_day.add_parser(sub)
    from bench import sla_recompute

    sla_recompute.add_parser(sub)
    from bench import cases, kpis

    cases.add_parser(sub)
    kpis.add_parser(sub)
    from bench import ack_latency

    ack_latency.add_parser(sub)
    from bench import portal_login

    portal_login.add_parser(sub)
    from bench import portal

    portal.add_parser(sub)
    from bench import kb_quality

    kb_quality.add_parser(sub)
    from bench import kb_suggest

    kb_suggest.add_parser(sub)
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    if args.benchmark == "interactions":
        from bench.interactions import run as run_interactions

        return run_interactions(args)
    if args.benchmark == "smtpd":
        from bench.smtpd import run as run_smtpd

        return run_smtpd(args)
    if args.benchmark == "imports":
        return imports.run(args)
    if args.benchmark == "frames":
        return frames.run(args)
    if args.benchmark == "create-cost":
        return create_cost.run(args)
    if args.benchmark == "load":
        return load.run(args)
    if args.benchmark == "pg-restart":
        return pg_restart.run(args)
    if args.benchmark == "outbox-kill":
        return outbox_kill.run(args)
    if args.benchmark == "service-cost":
        return service_cost.run(args)
    if args.benchmark == "import-cost":
        return import_cost.run(args)
    if args.benchmark == "export":
        return export.run(args)
    if args.benchmark == "my-day":
        return my_day.run(args)
    if args.benchmark == "sla-recompute":
        return sla_recompute.run(args)
    if args.benchmark == "cases":
        return cases.run(args)
    if args.benchmark == "kpis":
        return kpis.run(args)
    if args.benchmark == "ack-latency":
        return ack_latency.run(args)
    if args.benchmark == "portal-login":
        return portal_login.run(args)
    if args.benchmark == "portal":
        return portal.run(args)
    if args.benchmark == "kb-quality":
        return kb_quality.run(args)
    if args.benchmark == "kb-suggest":
        return kb_suggest.run(args)
    from bench.customers import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
