"""A read-only SPARQL 1.1 Protocol endpoint over exported graphs (`kg serve`); docs/sparql.md.

    kg serve exports/graph.ttl [--host 127.0.0.1] [--port 7878] [--store DIR] [--timeout 30]
        [--max-rows 100000] [--max-memory 400] [--allow-host NAME] [--cors ORIGIN]

Modules, one concern each: guard (what may run: no update, no SERVICE, nesting depth, decided on
the query's tokens), negotiation (Accept / format= -> serializer), writers (SPARQL results and
RDF syntaxes), worker (the process a query runs in), service (workers, deadline, memory cap),
http (the protocol, Host / CORS / timeouts / connection limits), page (the query page, files in
assets/), store (loading, damaged-store rebuild), cli (`kg serve`).

    from kg.serve import load_store, make_server
    store = load_store(["exports/graph.ttl"])
    server = make_server(store, "127.0.0.1", 0, timeout=5, max_rows=1000)   # port 0: any free port
    threading.Thread(target=server.serve_forever, daemon=True).start(); print(server.url)
"""
# Lazy: a query worker imports kg.serve.worker, which need not load the HTTP server and CLI.
_HOME = {"DEFAULT_HOST": "cli", "DEFAULT_PORT": "cli", "make_server": "cli", "serve_command": "cli",
         "MAX_DEPTH": "guard", "Refused": "guard", "check_depth": "guard", "check_query": "guard",
         "is_update": "guard", "uses_service": "guard", "NotAcceptable": "negotiation",
         "negotiate": "negotiation", "render_page": "page", "load_store": "store"}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'kg.serve' has no attribute {name!r}")
    import importlib
    return getattr(importlib.import_module(f"kg.serve.{_HOME[name]}"), name)
