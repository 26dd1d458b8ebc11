"""Merges sets of releases with ocdsmerge, the reference implementation.

Usage: python merge.py SCHEMA CASES

SCHEMA is the release schema (a file, given to ocdsmerge so that it fetches
nothing); CASES is a JSON object of named arrays of releases. Prints a JSON
object with ocdsmerge's version, its merge rules (`[path, rule]` pairs) and,
for each case, either `{"compiled": ..., "versioned": ...}` or
`{"error": "ExceptionName: message"}`.
"""

import importlib.metadata
import json
import sys
import warnings

import requests

import ocdsmerge
import ocdsmerge.util


def refuse_network(*args, **kwargs):
    raise RuntimeError('ocdsmerge tried to reach the network: the schema must be given')


# The merge must read the given schema only, never the latest one online.
requests.Session.request = refuse_network
ocdsmerge.util.get_tags = refuse_network


def main():
    schema_path, cases_path = sys.argv[1:3]
    with open(schema_path) as f:
        schema = json.load(f)
    with open(cases_path) as f:
        cases = json.load(f)
    merger = ocdsmerge.Merger(schema=schema)
    out = {
        'version': importlib.metadata.version('ocdsmerge'),
        'rules': sorted([list(path), rule] for path, rule in merger.merge_rules.items()),
        'cases': {},
    }
    for name, releases in cases.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                out['cases'][name] = {
                    'compiled': merger.create_compiled_release(releases),
                    'versioned': merger.create_versioned_release(releases),
                }
        except Exception as e:  # noqa: BLE001 (any failure is reported, and compared)
            out['cases'][name] = {'error': f'{type(e).__name__}: {e}'}
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
