"""Schemathesis against the dashboard's JSON API: every operation of its OpenAPI document, with generated
schema-valid (positive) and schema-invalid (negative) input, through a real uvicorn and authenticated with an
engineer's token (may write) and an auditor's (refused writes). No answer may be a 5xx (schemathesis's
`not_a_server_error` check).

Schemathesis 4's pytest plugin (`schemathesis.pytest.from_fixture`) does not run under pytest 9 (its lazy
subtests read `Function._nodeid`), so each operation's Hypothesis test is built here from
`APIOperation.as_strategy`, which is what the plugin does underneath. The examples per operation and mode are
bounded (EXAMPLES) so the file runs in well under 2 minutes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.service.web_fixtures import LiveApp, live_app

pytestmark = pytest.mark.service

EXAMPLES = 30


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    with live_app(Path(tmp_path_factory.mktemp("schemathesis"))) as running:
        yield running


@pytest.fixture(scope="module")
def api_schema(app: LiveApp) -> Any:
    # the document itself needs a login, like everything but /healthz
    return schemathesis.openapi.from_url(app.url + "/api/openapi.json", timeout=30,
                                         headers={"Authorization": f"Bearer {app.token('auditor')}"})


def _operations(api_schema: Any) -> list[Any]:
    return [result.ok() for result in api_schema.get_all_operations()]


def test_the_document_lists_the_api(api_schema: Any) -> None:
    """The fuzzing below means something only if the document lists the operations."""
    paths = {op.path for op in _operations(api_schema)}
    for expected in ("/api/v1/targets", "/api/v1/targets/{target_id}", "/api/v1/maintenance", "/api/v1/reports"):
        assert expected in paths, sorted(paths)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_operation_answers_5xx(app: LiveApp, api_schema: Any, mode: GenerationMode) -> None:
    headers = [{"Authorization": f"Bearer {app.token(role)}"} for role in ("engineer", "auditor")]
    failures: list[str] = []
    unfuzzable: list[str] = []
    calls = {"n": 0}
    for op in _operations(api_schema):

        @given(case=op.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            for h in headers:
                response = case.call(base_url=app.url, headers=h, timeout=30)
                calls["n"] += 1
                case.validate_response(response, checks=[not_a_server_error])

        try:
            run()
        except Unsatisfiable:
            # an operation with no parameter and no body has no invalid input to generate
            if mode is GenerationMode.NEGATIVE and not _has_input(op):
                unfuzzable.append(op.label)
                continue
            failures.append(f"{op.label}: no example could be generated")
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{op.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
    assert calls["n"] >= (len(_operations(api_schema)) - len(unfuzzable)) * 2


def _has_input(op: Any) -> bool:
    return bool(len(op.path_parameters) or len(op.query) or len(op.body))
