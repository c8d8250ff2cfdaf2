"""Jupyter's kernel conformance suite (jupyter_kernel_test) against the trainlab kernel.

Run with JUPYTER_PATH pointing at a folder holding the trainlab kernel spec:
    python3 -m unittest -v test/kernel/conformance.py
"""
import unittest

import jupyter_kernel_test


class TrainlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "trainlab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oh no")'

    completion_samples = [{"text": "Math.fl", "matches": {"floor"}}]
    complete_code_samples = ["1", "const x = 1;", "function f() {\n  return 1;\n}\n"]
    incomplete_code_samples = ["function f() {", "const x = [1,"]

    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        {"code": "[1, 2, 3].length", "result": "3"},
    ]
    code_display_data = [
        {"code": 'import * as tslab from "tslab"; tslab.display.html("<b>hi</b>")', "mime": "text/html"},
        {"code": 'tslab.display.markdown("**hi**")', "mime": "text/markdown"},
    ]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "6*7"

    code_inspect_sample = "Math.floor"

    code_generate_error = 'throw new Error("boom")'

    code_clear_output = 'import { clearOutput } from "trainlab"; clearOutput()'


if __name__ == "__main__":
    unittest.main()
