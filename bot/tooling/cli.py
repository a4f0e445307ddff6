"""`loket`: the command for staff at the desk, for developers and for tests.

    loket validate                       check the knowledge base
    loket build [--check]                store it in the database, generate Rasa files
    loket topics [--json]                every topic with its languages, facts and sources
    loket lookup TEXT [--lang L] [--json]   the topics and organisations a question is about
    loket stale [--json]                 passed plans and sources not read for a year, to review
    loket ask TEXT [--sender ID] [--json]   one turn against the running assistant
    loket lang < messages.txt            the language of each line
    loket evaluate [--compare CONFIG ...]   intent F1 per language; compare pipelines
    loket check huurtoeslag|warmtefonds ...  an entitlement check with reasons and sources
    loket purge [--older-than DAYS]      delete old conversations (default: LOKET_RETENTION_DAYS), and what
                                         the desk keeps past its periods (handovers, feedback, audit log)
    loket staff|handovers|handover|gaps|feedback   the desk (bot/tooling/desk_cli.py)
    loket serve                          start the action server and the Rasa server
                                         (and the Telegram adapter when TELEGRAM_BOT_TOKEN is set)
    loket telegram                       only the Telegram adapter, against a running Rasa server
    loket chat                           talk to the assistant in the terminal
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.exc import SQLAlchemyError

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.channels.rest import AssistantUnavailable, send
from bot.desk import DesksError, load_desks, purge_desk
from bot.dialogue import topic_for_intent, topic_intent
from bot.entitlements import Checks, InvalidAnswer, result_json, result_text
from bot.knowledge import KnowledgeBase, read_knowledge, validate
from bot.knowledge.render import lookup_results, source_info
from bot.knowledge.review import stale_items, unofficial_citations
from bot.knowledge.store import database_url, load_knowledge, make_engine, save_knowledge
from bot.language import detect_lines, project_detector
from bot.language.examples import all_examples
from bot.privacy import deployment, purge
from bot.settings import MODEL_FILE, PROJECT_DIR, REPORTS_DIR, SettingsError, settings
from bot.tooling.desk_cli import add_desk_commands
from bot.tooling.rasa_files import generated_files, write_if_changed
from bot.tooling.scale import ServiceError, Stack
from bot.tooling.servers import PortTaken, Servers

EXIT_OK, EXIT_PROBLEMS, EXIT_UNAVAILABLE = 0, 1, 2


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _print_messages(messages: list[dict[str, object]]) -> None:
    """The bot's messages as a person would read them, buttons in brackets."""
    for message in messages:
        print(message.get("text", ""))
        for button in message.get("buttons", []) or []:  # type: ignore[union-attr]
            print(f"  [{button.get('title')}]")


def _message_text(args: argparse.Namespace) -> str:
    return " ".join(args.text).strip()


def cmd_validate(args: argparse.Namespace) -> int:
    knowledge, problems = read_knowledge()
    problems += validate(knowledge)
    messages = [str(problem) for problem in problems] + [f"nlu_data: {gap}" for gap in _training_gaps(knowledge)]
    try:  # the desks that accept handover codes
        load_desks(known_places=frozenset(knowledge.places) | frozenset(place.region for place in
                                                                          knowledge.places.values()))
    except (DesksError, OSError) as error:
        messages.append(f"knowledge/desks.yml: {error}")
    for message in messages:
        print(message)
    if deployment().is_example:  # a note, not a problem: the demo runs on the example values
        print("note: knowledge/deployment.yml still names the example controller and contact; a deployer fills "
              "them in (the privacy statement shows them)")
    unofficial = unofficial_citations(knowledge)
    for citation in unofficial:  # allowed where no official page says it, but every one is listed
        reference = knowledge.sources.references[citation.ref]
        print(f"unofficial source: {citation.where} cites {citation.ref} ({reference.url})")
    facts = sum(len(topic.facts) for topic in knowledge.topics.values())
    print(
        f"{len(knowledge.topics)} topics, {facts} facts, {len(knowledge.organisations)} organisations, "
        f"{len(unofficial)} unofficial citation(s), {len(messages)} problem(s)"
    )
    return EXIT_PROBLEMS if messages else EXIT_OK


def cmd_stale(args: argparse.Namespace) -> int:
    knowledge, problems = read_knowledge()
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return EXIT_PROBLEMS
    items = stale_items(knowledge, dt.date.today())
    if args.json:
        _print_json({"today": dt.date.today().isoformat(), "items": [item.as_dict() for item in items]})
        return EXIT_OK
    for item in items:
        print(f"{item.kind:<17} {item.where:<40} {item.detail}")
    print(f"{len(items)} item(s) to review")
    return EXIT_OK


def _training_gaps(knowledge: KnowledgeBase) -> list[str]:
    """Topics without training examples in a language, and examples for unknown topics."""
    gaps = []
    for language, by_intent in all_examples().items():
        for key in knowledge.topics:
            if not by_intent.get(topic_intent(key)):
                gaps.append(f"{language}: no examples for {topic_intent(key)}")
        for intent in by_intent:
            topic = topic_for_intent(intent)
            if topic is not None and topic not in knowledge.topics:
                gaps.append(f"{language}: {intent} has no knowledge file knowledge/topics/{topic}.yml")
    return gaps


def cmd_build(args: argparse.Namespace) -> int:
    knowledge, problems = read_knowledge()
    problems += validate(knowledge)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"not built: {len(problems)} problem(s) in the knowledge base", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        generated = generated_files(knowledge, Checks(knowledge).questions)
    except ValueError as error:  # a malformed question in knowledge/rules
        print(f"not built: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    if args.check:
        stale = [path for path, text in generated.items() if not path.exists() or path.read_text("utf-8") != text]
        for path in stale:
            print(f"{path.relative_to(PROJECT_DIR)} is out of date: run `loket build`", file=sys.stderr)
        return EXIT_PROBLEMS if stale else EXIT_OK
    for path, text in generated.items():
        if write_if_changed(path, text):
            print(f"wrote {path.relative_to(PROJECT_DIR)}")
    save_knowledge(make_engine(), knowledge)
    print(f"stored {len(knowledge.topics)} topics in {make_engine().url.render_as_string(hide_password=True)}")
    return EXIT_OK


def _stored_knowledge() -> KnowledgeBase | None:
    try:
        knowledge = load_knowledge(make_engine())
    except SQLAlchemyError:
        knowledge = None
    if not knowledge or not knowledge.topics:
        print(f"no knowledge base in {database_url()}: run `loket build` (or `make run`) first", file=sys.stderr)
        return None
    return knowledge


def cmd_topics(args: argparse.Namespace) -> int:
    knowledge = _stored_knowledge()
    if knowledge is None:
        return EXIT_UNAVAILABLE
    rows = []
    for topic in knowledge.topics.values():
        sources = {source_info(fact.source, knowledge).key: source_info(fact.source, knowledge) for fact in topic.facts}
        rows.append(
            {
                "key": topic.key,
                "category": topic.category,
                "names": {language: topic.name(language) for language in LANGUAGES},
                "languages": [language for language in LANGUAGES if language in topic.answer],
                "facts": len(topic.facts),
                "sources": [info.as_dict() for info in sources.values()],
            }
        )
    if args.json:
        _print_json(rows)
    else:
        for row in rows:
            print(f"{row['key']:<28} {row['names']['nl']:<45} facts: {row['facts']}")  # type: ignore[index]
    return EXIT_OK


def cmd_lookup(args: argparse.Namespace) -> int:
    text = _message_text(args)
    if not text:
        print("give a question or some words to look up", file=sys.stderr)
        return EXIT_PROBLEMS
    knowledge = _stored_knowledge()
    if knowledge is None:
        return EXIT_UNAVAILABLE
    language = args.lang or project_detector().detect(text).language or DEFAULT_LANGUAGE
    found = lookup_results(knowledge, text, language, limit=args.limit)
    results, organisations = found["results"], found["organisations"]
    if args.json:
        _print_json(found)
        return EXIT_OK
    if not results and not organisations:
        print("no matching topic or organisation")
    for entry in organisations:
        task = next((t for t in entry["tasks"] if t["key"] == entry["task"]), None)  # type: ignore[attr-defined]
        print(f"\n== {entry['name']} (directory/{entry['key']}, score {entry['score']})\n{entry['handles']}")
        if task is not None:
            print(f"  - {task['do']} ({task['url']})")
        if entry["contact"]:
            print(f"  - {entry['contact']}")
    for result in results:
        print(f"\n== {result['name']} ({result['key']}, score {result['score']})\n{result['answer']}")
        for fact in result["facts"]:  # type: ignore[attr-defined]
            source = fact["source"]
            cited = source["url"] or f"{source['title']}, {source['section']}"
            print(f"  - {fact['text']} [{fact['status']}] ({cited})")
    return EXIT_OK


def cmd_lang(args: argparse.Namespace) -> int:
    for code in detect_lines((line.rstrip("\n") for line in sys.stdin), project_detector()):
        print(code)
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from bot.rasa_adapters.evaluation import compare_pipelines, evaluate_model

    out = REPORTS_DIR
    if args.compare:
        report = compare_pipelines([Path(c) for c in args.compare], LANGUAGES, PROJECT_DIR)
        (out / "pipeline_comparison.md").parent.mkdir(parents=True, exist_ok=True)
        (out / "pipeline_comparison.md").write_text(report, encoding="utf-8")
        print(report)
        return EXIT_OK
    if not Path(args.model).exists():
        print(f"no model at {args.model}: run `make train` first", file=sys.stderr)
        return EXIT_UNAVAILABLE
    for report in evaluate_model(Path(args.model), LANGUAGES):
        report.write(out / "nlu")
        print(json.dumps(report.summary()))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    knowledge = _stored_knowledge()
    if knowledge is None:
        return EXIT_UNAVAILABLE
    checks = Checks(knowledge)
    answers = {question.name: getattr(args, question.name, None) for question in checks.questions[args.scheme]}
    try:
        case = checks.from_answers(args.scheme, answers, year=getattr(args, "year", None),
                                   island=checks.island_of(getattr(args, "place", None)))
        result = checks.run(case, args.lang)
    except InvalidAnswer as error:
        print(f"{error} (use a number such as 650 or 1.200,50, or yes/no)", file=sys.stderr)
        return EXIT_PROBLEMS
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        _print_json(result_json(result, args.lang))
    else:
        print(result_text(result, args.lang))
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    config = settings()
    days = config.retention_days if args.older_than is None else args.older_than
    if days < 0:
        print("--older-than takes a number of days of 0 or more", file=sys.stderr)
        return EXIT_PROBLEMS
    engine = create_engine(config.tracker_url, future=True)
    try:
        removed = purge(engine, days)
    except SQLAlchemyError as error:
        print(f"could not reach the conversation store: {error.__class__.__name__}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    finally:
        engine.dispose()
    print(f"removed {removed.conversations} conversation(s) and {removed.events} event(s) "
          f"whose last message is older than {days:g} day(s)")
    try:
        desk = purge_desk(config)
    except SQLAlchemyError as error:
        print(f"could not reach the desk database: {error.__class__.__name__}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(f"removed {desk.handovers} expired handover(s), {desk.feedback} old feedback row(s) and "
          f"{desk.staff} expired session(s) or old audit entries")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace) -> int:
    text = _message_text(args)
    if not text:
        print("give a message to send", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        messages = send(args.url, args.sender, text, token=settings().rest_token)
    except AssistantUnavailable as error:
        print(f"{error}\nIs Loket running? Start it with `make run`.", file=sys.stderr)
        return EXIT_UNAVAILABLE
    if args.json:
        _print_json(messages)
    else:
        _print_messages(messages)
    return EXIT_OK


def _servers(args: argparse.Namespace, telegram: bool = False) -> Servers:
    return Servers(rasa_port=args.port, actions_port=args.actions_port, tracker_url=args.tracker_url,
                   telegram=telegram)


def cmd_telegram(args: argparse.Namespace) -> int:
    import asyncio
    import logging
    import signal

    from bot.channels.log_secrets import keep_out_of_logs
    from bot.channels.telegram import run  # python-telegram-bot only when asked for

    config = settings()
    if config.telegram_bot_token is None:
        print("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather (see README, Telegram).", file=sys.stderr)
        return EXIT_PROBLEMS
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    keep_out_of_logs(config.telegram_bot_token, config.telegram_webhook_secret, config.rest_token)

    async def until_stopped() -> None:
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        await run(config, stop)

    asyncio.run(until_stopped())
    return EXIT_OK


class Stopped(Exception):
    """SIGTERM: stop the servers as Ctrl-C does."""


def _stop_on_sigterm() -> None:
    def stop(signum: int, frame: object) -> None:
        raise Stopped

    signal.signal(signal.SIGTERM, stop)


def _run_until_stopped(running: AbstractContextManager[Any], ready: Callable[[], None],
                       check: Callable[[], None]) -> int:
    """Start, say where to talk to Loket, and run until Ctrl-C or SIGTERM; a server that
    does not come up or dies ends it with a message."""
    _stop_on_sigterm()
    try:
        with running:
            ready()
            print("Press Ctrl-C to stop.")
            while True:
                check()
                time.sleep(1.0)
    except (KeyboardInterrupt, Stopped):
        print("\nstopped")
        return EXIT_OK
    except PortTaken as error:
        print(f"Loket did not start: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except (ServiceError, RuntimeError, TimeoutError) as error:
        print(f"Loket stopped: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE


def cmd_serve(args: argparse.Namespace) -> int:
    config = settings()
    servers = _servers(args, telegram=config.telegram_bot_token is not None)
    print(f"starting Loket (Rasa on port {servers.rasa_port}, actions on {servers.actions_port}) ...")

    def ready() -> None:
        print(f"Loket is ready. Talk to it:\n  browser:  {servers.widget_url}")
        print(f"  embed:    <script src=\"{servers.url}/chat/loket.js\" defer></script>")
        print(f"  REST:     POST {servers.rest_url}")
        print('            {"sender": "me", "message": "Wat is huurtoeslag?"}')
        print("  terminal: make chat   (or: loket ask \"Wat is huurtoeslag?\")")
        if config.telegram_bot_token is not None:
            mode = f"webhook on port {config.telegram_port}" if config.telegram_webhook_url else "polling"
            print(f"  Telegram: your bot ({mode}); log in var/log/telegram.{servers.rasa_port}.log")

    return _run_until_stopped(servers, ready, servers.raise_if_exited)


def cmd_scale(args: argparse.Namespace) -> int:
    config = settings()
    stack = Stack(replicas=config.replicas, telegram=config.telegram_bot_token is not None)
    print(f"starting PostgreSQL, Redis, {stack.replicas} Rasa server(s) with their action servers, and nginx ...")

    def ready() -> None:
        print(f"Loket is ready at one address: {stack.url}")
        print(f"  browser:  {stack.url}/chat/")
        print(f"  REST:     POST {stack.url}/webhooks/rest/webhook")
        print(f"  desk:     {stack.url}/desk/")
        print(f"  replicas: Rasa on {', '.join(str(server.rasa_port) for server in stack.servers)} "
              "(logs in var/log/); Ctrl-C stops every process of the stack")

    return _run_until_stopped(stack, ready, stack.raise_if_exited)


def cmd_chat(args: argparse.Namespace) -> int:
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    servers = _servers(args)
    print("starting Loket, this takes about half a minute ...")
    _stop_on_sigterm()
    try:
        with servers:
            print("Ask your question (Dutch, Papiamentu or English). Ctrl-D or /stop to end.")
            while True:
                try:
                    text = input("> ").strip()
                except EOFError:
                    break
                if text in ("/stop", "/quit"):
                    break
                if not text:
                    continue
                _print_messages(send(servers.rest_url, sender, text, token=servers.rest_token))
    except (KeyboardInterrupt, Stopped):
        pass
    except (RuntimeError, TimeoutError, AssistantUnavailable) as error:
        print(f"Loket stopped: {error}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    print("bye")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="loket", description="Loket: government schemes in nl, pap and en.")
    sub = root.add_subparsers(dest="command", required=True)

    sub.add_parser("validate", help="check the knowledge base and training data").set_defaults(func=cmd_validate)

    build = sub.add_parser("build", help="store the knowledge base and generate Rasa files")
    build.add_argument("--check", action="store_true", help="only check that generated files are current")
    build.set_defaults(func=cmd_build)

    topics = sub.add_parser("topics", help="list every topic")
    topics.add_argument("--json", action="store_true")
    topics.set_defaults(func=cmd_topics)

    lookup = sub.add_parser("lookup", help="find the topics a question is about")
    lookup.add_argument("text", nargs="+")
    lookup.add_argument("--lang", choices=LANGUAGES, help="answer language (default: detected)")
    lookup.add_argument("--limit", type=int, default=3)
    lookup.add_argument("--json", action="store_true")
    lookup.set_defaults(func=cmd_lookup)

    stale = sub.add_parser("stale", help="passed plans and sources not read for a year, to review")
    stale.add_argument("--json", action="store_true")
    stale.set_defaults(func=cmd_stale)

    sub.add_parser("lang", help="the language (nl, pap, en) of each line on stdin").set_defaults(func=cmd_lang)

    purge_parser = sub.add_parser("purge", help="delete conversations older than the retention period")
    purge_parser.add_argument("--older-than", type=float, metavar="DAYS",
                              help="default: LOKET_RETENTION_DAYS (30)")
    purge_parser.set_defaults(func=cmd_purge)

    evaluate = sub.add_parser("evaluate", help="intent F1 per language on the held-out sets; reports/ ")
    evaluate.add_argument("--model", default=str(MODEL_FILE))
    evaluate.add_argument("--compare", nargs="+", metavar="CONFIG", help="train and compare these pipelines")
    evaluate.set_defaults(func=cmd_evaluate)

    check = sub.add_parser("check", help="check huurtoeslag or the Warmtefonds loan for a person")
    schemes = check.add_subparsers(dest="scheme", required=True)
    huur = schemes.add_parser("huurtoeslag", help="huurtoeslag in a year of knowledge/rules/huurtoeslag.yml")
    huur.add_argument("--year", type=int, help="default: this year's rules, or the latest year listed")
    huur.add_argument("--age", help="age in years, e.g. 22 or twintig")
    huur.add_argument("--rent", help="monthly rent in euros, e.g. 650 or 1.200,50")
    huur.add_argument("--assets", help="savings and assets on 1 January, in euros")
    huur.add_argument("--partner", help="yes or no")
    huur.add_argument("--independent", help="own front door, kitchen, toilet and shower: yes or no")
    huur.add_argument("--registered", help="everyone registered at the address: yes or no")
    huur.add_argument("--residence", help="Dutch nationality or lawful residence: yes or no")
    huur.add_argument("--place", help="town or island (Bonaire, Sint Eustatius, Saba)")
    warmte = schemes.add_parser("warmtefonds", help="the Warmtefonds Energiebespaarlening")
    warmte.add_argument("--income", help="combined verzamelinkomen per year, in euros")
    warmte.add_argument("--owner", help="you own and live in the home: yes or no")
    warmte.add_argument("--vve", help="for an owners' association: yes or no")
    warmte.add_argument("--place", help="town or island")
    for scheme in (huur, warmte):
        scheme.add_argument("--lang", choices=LANGUAGES, default="en")
        scheme.add_argument("--json", action="store_true")
        scheme.set_defaults(func=cmd_check)

    config = settings()
    ask = sub.add_parser("ask", help="one turn against the running assistant")
    ask.add_argument("text", nargs="+")
    ask.add_argument("--sender", default="loket-cli")
    ask.add_argument("--url", default=config.rest_url)
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=cmd_ask)

    telegram = sub.add_parser("telegram", help="the Telegram adapter (TELEGRAM_BOT_TOKEN; webhook or polling)")
    telegram.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    telegram.set_defaults(func=cmd_telegram)

    sub.add_parser("scale", help="PostgreSQL, Redis, LOKET_REPLICAS Rasa servers and nginx, at LOKET_PORT") \
        .set_defaults(func=cmd_scale)

    for name, func, help_text in (
        ("serve", cmd_serve, "start the action server and the Rasa server"),
        ("chat", cmd_chat, "start Loket and talk to it in the terminal"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--port", type=int, default=config.port)
        command.add_argument("--actions-port", type=int, default=config.actions_port)
        command.add_argument(
            "--tracker-url",
            default=config.tracker_database_url,
            help="SQLAlchemy URL of the tracker store (default: SQLite in var/)",
        )
        command.set_defaults(func=func)
    add_desk_commands(sub)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parser().parse_args(argv)
        return int(args.func(args))
    except SettingsError as error:  # a bad value in the environment, named
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS


if __name__ == "__main__":
    sys.exit(main())
