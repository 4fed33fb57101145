"""
Differential corpus for elastiq/dsl: random Search chains, written in a small JSON op language
that both Python's elasticsearch.dsl and elastiq replay, and the body Python builds for each
(or the error it raises). Output: test/unit/dsl/corpus/python-bodies.json, replayed by
test/unit/dsl/python-corpus.test.ts. Run it with `npm run corpus:dsl` (scripts/dsl-corpus/run.sh).

The op language (a case's `chain` is a list of ops applied to an empty Search):
  {"op": "query" | "filter" | "exclude" | "post_filter", "q": EXPR}
  {"op": "sort", "keys": [...]}                      s.sort(*keys)
  {"op": "slice", "start": n | null, "stop": n | null}   s[start:stop]
  {"op": "source", "fields": [...] | bool}           s.source(fields)
  {"op": "source", "kwargs": {"includes": ..., "excludes": ...}}   s.source(**kwargs)
  {"op": "aggs", "name": str, "agg": AGG_JSON}       s.aggs.bucket(name, A(json)) (on a clone)
  {"op": "highlight", "fields": [...], "kwargs": {...}}   s.highlight(*fields, **kwargs)
  {"op": "highlight_options", "kwargs": {...}}       s.highlight_options(**kwargs)
  {"op": "suggest", "name": str, "text": str, "kwargs": {...}}
  {"op": "collapse", "field": str, "inner_hits": {...}?, "max_concurrent_group_searches": n?}
  {"op": "knn", "kwargs": {..., "filter": EXPR?}}
  {"op": "script_fields", "kwargs": {name: str | {...}}}
  {"op": "extra", "kwargs": {...}}
  {"op": "params", "kwargs": {...}}                  s.params(**kwargs) (query-string parameters)
EXPR is {"q": QUERY_JSON} (Q(json)), {"and": [EXPR, EXPR]}, {"or": [EXPR, EXPR]}, {"not": EXPR}.
Bool clause lists are always arrays: elastiq keeps a single clause object as given (round-trip),
Python makes it a list. Not generated: sort("-_score") (Python refuses a valid sort), suggest
regex, a string or dict given to source() positionally, rescore (no Python method).

A case whose body depends on the negation of a bool with a minimum_should_match other than 0 or
1 also carries `rule12`: the body built with elastiq's negation of such a bool (the should set
negated whole), which keeps the documents Python's "none of the should clauses" form loses.
"""

import json
import random
import sys
from pathlib import Path

from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl import query as dslquery

SEED = 20260512
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test" / "unit" / "dsl" / "corpus" / "python-bodies.json"

FIELDS = ["a", "b", "c", "d", "title", "tags", "likes", "author.name"]

# --- queries -------------------------------------------------------------------------------


def leaf(r):
    f = r.choice(FIELDS)
    kind = r.randrange(10)
    if kind < 3:
        return {"term": {f: r.randrange(5)}}
    if kind < 5:
        return {"match": {f: r.choice(["python", "web", "search"])}}
    if kind == 5:
        return {"range": {f: {"gte": r.randrange(10)}}}
    if kind == 6:
        return {"exists": {"field": f}}
    if kind == 7:
        return match_x(r, "match_all")
    if kind == 8:
        return match_x(r, "match_none")
    return {"terms": {f: [r.randrange(5), r.randrange(5)]}}


def match_x(r, name):
    k = r.randrange(4)
    if k == 0:
        return {name: {"boost": r.choice([2, 0.5])}}
    if k == 1:
        return {name: {"_name": "n%d" % r.randrange(3)}}
    return {name: {}}


def msm(r):
    return r.choice([0, 1, 1, 2, 2, 3, -1, -2, "50%", "-25%", "2<75%"])


def boolq(r, depth):
    params = {}
    for key in ("must", "filter", "should", "must_not"):
        if r.random() < 0.45:
            params[key] = [query(r, depth + 1) for _ in range(r.randrange(1, 3 if depth else 4))]
    if r.random() < 0.35:
        params["minimum_should_match"] = msm(r)
    if r.random() < 0.1:
        params["boost"] = 2
    return {"bool": params}


def compound(r, depth):
    k = r.randrange(3)
    if k == 0:
        return {"constant_score": {"filter": query(r, depth + 1), "boost": 1.5}}
    if k == 1:
        return {"dis_max": {"queries": [query(r, depth + 1), query(r, depth + 1)]}}
    return {"nested": {"path": "author", "query": query(r, depth + 1)}}


def query(r, depth=0):
    x = r.random()
    if depth < 2 and x < 0.4:
        return boolq(r, depth)
    if depth < 1 and x < 0.45:
        return compound(r, depth)
    return leaf(r)


def expr(r, depth=0):
    x = r.random()
    if depth < 3 and x < 0.25:
        return {"and": [expr(r, depth + 1), expr(r, depth + 1)]}
    if depth < 3 and x < 0.5:
        return {"or": [expr(r, depth + 1), expr(r, depth + 1)]}
    if depth < 3 and x < 0.62:
        return {"not": expr(r, depth + 1)}
    return {"q": query(r)}


def evaluate(e):
    if "q" in e:
        return Q(e["q"])
    if "and" in e:
        return evaluate(e["and"][0]) & evaluate(e["and"][1])
    if "or" in e:
        return evaluate(e["or"][0]) | evaluate(e["or"][1])
    return ~evaluate(e["not"])


# --- other body parts ----------------------------------------------------------------------


def sort_key(r):
    f = r.choice(FIELDS)
    k = r.randrange(6)
    if k == 0:
        return f
    if k == 1:
        return "-" + f
    if k == 2:
        return r.choice(["_score", "_doc"])
    if k == 3:
        return {f: {"order": r.choice(["asc", "desc"])}}
    if k == 4:
        return {f: {"order": "desc", "missing": "_last", "mode": "avg"}}
    return {f: r.choice(["asc", "desc"])}


def bound(r):
    return r.choice([None, None, 0, 1, 3, 10, 25, 100, -1])


def source_op(r):
    k = r.randrange(5)
    if k == 0:
        return {"op": "source", "fields": r.sample(FIELDS, r.randrange(1, 4))}
    if k == 1:
        return {"op": "source", "fields": r.choice([True, False])}
    kwargs = {}
    if k in (2, 4):
        kwargs["includes"] = r.sample(FIELDS, r.randrange(1, 3))
    if k in (3, 4):
        kwargs["excludes"] = r.sample(FIELDS, r.randrange(1, 3))
    return {"op": "source", "kwargs": kwargs}


def metric_agg(r):
    f = r.choice(["likes", "a", "b"])
    return {r.choice(["avg", "sum", "max", "min", "value_count", "cardinality"]): {"field": f}}


def bucket_agg(r, depth):
    f = r.choice(["tags", "a", "title"])
    k = r.randrange(5)
    if k == 0:
        a = {"terms": {"field": f, "size": r.randrange(1, 20)}}
    elif k == 1:
        a = {"histogram": {"field": "likes", "interval": 10}}
    elif k == 2:
        a = {"date_histogram": {"field": "date", "calendar_interval": "month"}}
    elif k == 3:
        a = {"filter": {"term": {f: r.randrange(3)}}}
    else:
        a = {"range": {"field": "likes", "ranges": [{"to": 10}, {"from": 10}]}}
    subs = {}
    for i in range(r.randrange(0, 3)):
        x = r.random()
        if depth < 2 and x < 0.35:
            subs["b%d" % i] = bucket_agg(r, depth + 1)
        else:
            subs["m%d" % i] = metric_agg(r)
    if subs and k in (1, 2) and r.random() < 0.5:
        metric = next((n for n in subs if n.startswith("m")), None)
        if metric:
            subs["p"] = {"cumulative_sum": {"buckets_path": metric}}
    if subs:
        a["aggs"] = subs
    return a


def other_op(r, area):
    if area == "sort":
        return {"op": "sort", "keys": [sort_key(r) for _ in range(r.randrange(0, 4))]}
    if area == "slice":
        return {"op": "slice", "start": bound(r), "stop": bound(r)}
    if area == "source":
        return source_op(r)
    if area == "aggs":
        x = r.random()
        agg = bucket_agg(r, 0) if x < 0.7 else metric_agg(r)
        if x > 0.9:
            agg = {"max_bucket": {"buckets_path": "g0>m0"}}
        return {"op": "aggs", "name": "g%d" % r.randrange(3), "agg": agg}
    if area == "highlight":
        if r.random() < 0.3:
            return {
                "op": "highlight_options",
                "kwargs": {r.choice(["fragment_size", "number_of_fragments"]): r.randrange(1, 200)},
            }
        kwargs = {}
        if r.random() < 0.5:
            kwargs["fragment_size"] = r.randrange(10, 200)
        return {"op": "highlight", "fields": r.sample(FIELDS, r.randrange(1, 3)), "kwargs": kwargs}
    if area == "suggest":
        kind = r.choice(["term", "phrase", "completion"])
        return {
            "op": "suggest",
            "name": "s%d" % r.randrange(3),
            "text": r.choice(["pyhton", "serch"]),
            "kwargs": {kind: {"field": r.choice(FIELDS)}},
        }
    if area == "collapse":
        op = {"op": "collapse", "field": r.choice(FIELDS)}
        if r.random() < 0.5:
            op["inner_hits"] = {"name": "top", "size": r.randrange(1, 5)}
        if r.random() < 0.3:
            op["max_concurrent_group_searches"] = r.randrange(1, 8)
        return op
    if area == "knn":
        kwargs = {
            "field": "embedding",
            "k": r.randrange(1, 20),
            "num_candidates": 50,
            "query_vector": [r.randrange(10) / 10, r.randrange(10) / 10],
        }
        if r.random() < 0.4:
            kwargs["filter"] = expr(r, 2)
        if r.random() < 0.3:
            kwargs["boost"] = 2
        if r.random() < 0.2:
            kwargs["similarity"] = 0.5
        return {"op": "knn", "kwargs": kwargs}
    if area == "script_fields":
        name = "f%d" % r.randrange(3)
        value = (
            "doc['likes'].value * 2"
            if r.random() < 0.5
            else {"script": {"source": "doc['a'].value + params.x", "params": {"x": r.randrange(5)}}}
        )
        return {"op": "script_fields", "kwargs": {name: value}}
    if area == "params":
        key = r.choice(["routing", "preference", "request_cache", "search_type", "allow_partial_search_results"])
        value = {
            "routing": "r%d" % r.randrange(3),
            "preference": "_local",
            "request_cache": r.choice([True, False]),
            "search_type": r.choice(["query_then_fetch", "dfs_query_then_fetch"]),
            "allow_partial_search_results": False,
        }[key]
        return {"op": "params", "kwargs": {key: value}}
    # extra
    key = r.choice(["min_score", "explain", "track_total_hits", "timeout", "terminate_after", "size", "from"])
    value = {
        "min_score": 0.5,
        "explain": True,
        "track_total_hits": r.choice([True, 100]),
        "timeout": "1s",
        "terminate_after": 1000,
        "size": r.randrange(0, 50),
        "from": r.randrange(0, 50),
    }[key]
    return {"op": "extra", "kwargs": {key: value}}


AREAS = {
    # area: (cases, how many non-query ops at most)
    "algebra": 2600,
    "search-query": 900,
    "sort": 300,
    "slice": 400,
    "source": 300,
    "aggs": 300,
    "highlight": 200,
    "suggest": 150,
    "collapse": 150,
    "knn": 150,
    "script_fields": 150,
    "extra": 150,
    "params": 150,
    "mixed": 400,
}


def query_op(r):
    return {"op": r.choice(["query", "query", "filter", "exclude", "post_filter"]), "q": expr(r, 1)}


def chain_for(r, area):
    if area == "algebra":
        return [{"op": "query", "q": expr(r)}]
    if area == "search-query":
        return [query_op(r) for _ in range(r.randrange(1, 5))]
    if area == "mixed":
        areas = [a for a in AREAS if a not in ("algebra", "search-query", "mixed")]
        ops = []
        for _ in range(r.randrange(2, 7)):
            ops.append(query_op(r) if r.random() < 0.4 else other_op(r, r.choice(areas)))
        return ops
    return [other_op(r, area) for _ in range(r.randrange(1, 4))]


# --- replay --------------------------------------------------------------------------------


def apply(s, op):
    kind = op["op"]
    if kind in ("query", "filter", "exclude"):
        return getattr(s, kind)(evaluate(op["q"]))
    if kind == "post_filter":
        return s.post_filter(evaluate(op["q"]))
    if kind == "sort":
        return s.sort(*op["keys"])
    if kind == "slice":
        return s[op["start"] : op["stop"]]
    if kind == "source":
        if "fields" in op:
            return s.source(op["fields"])
        return s.source(**op["kwargs"])
    if kind == "aggs":
        s = s._clone()
        s.aggs.bucket(op["name"], A(op["agg"]))
        return s
    if kind == "highlight":
        return s.highlight(*op["fields"], **op["kwargs"])
    if kind == "highlight_options":
        return s.highlight_options(**op["kwargs"])
    if kind == "suggest":
        return s.suggest(op["name"], op["text"], **op["kwargs"])
    if kind == "collapse":
        return s.collapse(
            op["field"],
            inner_hits=op.get("inner_hits"),
            max_concurrent_group_searches=op.get("max_concurrent_group_searches"),
        )
    if kind == "knn":
        kwargs = dict(op["kwargs"])
        if "filter" in kwargs:
            kwargs["filter"] = evaluate(kwargs["filter"])
        return s.knn(**kwargs)
    if kind == "script_fields":
        return s.script_fields(**json.loads(json.dumps(op["kwargs"])))
    if kind == "extra":
        return s.extra(**op["kwargs"])
    if kind == "params":
        return s.params(**op["kwargs"])
    raise AssertionError(kind)


def run(chain):
    try:
        s = Search()
        for op in chain:
            s = apply(s, op)
        out = {"body": json.loads(json.dumps(s.to_dict()))}
        if s._params:
            out["params"] = json.loads(json.dumps(s._params))
        return out
    except Exception as e:  # the error Python raised is part of the expected result
        return {"error": type(e).__name__, "message": str(e)}


# Python's negation of a bool, and elastiq's (docs/dsl.md rule 12) for the exception cases.
PYTHON_INVERT = dslquery.Bool.__invert__
FIXED = {"used": False}


def rule12_invert(self):
    m = self._min_should_match
    if self.should and m and m != 1:
        FIXED["used"] = True
        negations = [~q for q in list(self.must) + list(self.filter)]
        negations += list(self.must_not)
        negations.append(
            dslquery.Bool(
                must_not=[dslquery.Bool(should=self.should[:], minimum_should_match=m)]
            )
        )
        return negations[0] if len(negations) == 1 else dslquery.Bool(should=negations)
    return PYTHON_INVERT(self)


def main():
    r = random.Random(SEED)
    cases = []
    for area, count in AREAS.items():
        for i in range(count):
            chain = chain_for(r, area)
            case = {"id": "%s-%d" % (area, i), "area": area, "chain": chain}
            case.update(run(chain))
            dslquery.Bool.__invert__ = rule12_invert
            FIXED["used"] = False
            fixed = run(chain)
            dslquery.Bool.__invert__ = PYTHON_INVERT
            if FIXED["used"] and fixed != {k: case[k] for k in fixed if k in case}:
                case["rule12"] = fixed
            cases.append(case)
    import elasticsearch

    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "generator": "scripts/dsl-corpus/generate.py",
                "elasticsearch": elasticsearch.__versionstr__,
                "seed": SEED,
                "cases": cases,
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    errors = sum(1 for c in cases if "error" in c)
    exceptions = sum(1 for c in cases if "rule12" in c)
    print(f"{len(cases)} cases ({errors} errors, {exceptions} rule-12 exceptions) -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
