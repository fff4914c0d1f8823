#!/usr/bin/env python3
"""Validates a SARIF log against the SARIF 2.1.0 JSON schema: validate_sarif.py SCHEMA LOG.

Exit 0 when valid; 1 with the validation error on stderr when not (used by cli_reports_test.cpp)."""
import json
import sys

import jsonschema


def main() -> int:
    schema_path, log_path = sys.argv[1], sys.argv[2]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(log_path, encoding="utf-8") as f:
        log = json.load(f)
    try:
        jsonschema.validate(log, schema)
    except jsonschema.ValidationError as error:
        print(f"{log_path}: not valid SARIF 2.1.0: {error.message} at {list(error.absolute_path)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
